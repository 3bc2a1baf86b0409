"""The real-article development set (``realset/``): manifest, gold, and the git-ignored texts.

    python -m sitrep.realset status            # which texts are present, which are missing
    python -m sitrep.realset check [GOLD...]   # every gold anchor occurs once in its text
    python -m sitrep.realset stage DIR [--split dev|heldout|all]
                                               # copy the present texts of a split into DIR with
                                               # a manifest.jsonl, ready for ``sitrep ingest``

The texts are third-party: they never enter the repository. ``SITREP_REALSET_TEXTS`` points at
another folder than ``realset/texts``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parents[2] / "realset"
VALUES = {
    "qualifier": {"exact", "at_least", "more_than", "about", "up_to", "range", "vague"},
    "status": {"killed", "injured", "missing", "detained", "displaced", "kidnapped"},
    "victims": {"all", "civilians", "security_forces", "combatants", "children", "women",
                "journalists", "aid_workers", "unknown"},
    "scope": {"whole", "part_place", "part_time", "increment", "breakdown", "background"},
    "kind": {"direct", "indirect"},
}


def texts_dir() -> Path:
    return Path(os.environ.get("SITREP_REALSET_TEXTS") or ROOT / "texts")


@dataclass(frozen=True)
class Article:
    id: str
    path: str
    url: str
    outlet: str | None
    published: str | None
    incident: str
    split: str
    kind: str | None
    query: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def manifest(root: Path = ROOT) -> list[Article]:
    rows = []
    for f in sorted((root / "manifest").glob("*.jsonl")):
        for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            d = json.loads(line)
            try:
                rows.append(Article(id=d["id"], path=d["path"], url=d["url"], outlet=d.get("outlet"),
                                    published=d.get("published"), incident=d["incident"],
                                    split=d["split"], kind=d.get("kind"), query=d["query"]))
            except KeyError as e:
                raise ValueError(f"{f}:{lineno}: missing field {e}") from None
    return rows


def gold_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "gold").glob("*.yaml"))


def check_gold(path: Path, texts: Path | None) -> Iterator[str]:
    """Every problem a gold file has: a value outside the contract's vocabularies, a figure
    without scope, a quote without speaker; and, where its text is present (``texts`` given),
    an anchor missing from or repeated in the text, a breakdown without its parent."""
    gold = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key, entry in (gold.get("documents") or {}).items():
        text = None
        if texts is not None:
            f = texts / entry.get("path", key)
            if f.exists():
                text = f.read_text(encoding="utf-8")
            else:
                yield f"{path.name}: {key}: text missing ({f})"

        def once(anchor: str) -> int:
            return 1 if text is None else text.count(anchor or "\0")

        for fig in entry.get("figures") or []:
            where = f"{path.name}: {key}: figure {fig.get('text')!r}"
            n = once(fig.get("text"))
            if n != 1:
                yield f"{where}: anchor occurs {n} times"
            for k, allowed in VALUES.items():
                if k in fig and k != "kind" and fig[k] not in allowed:
                    yield f"{where}: {k} {fig[k]!r} not one of {sorted(allowed)}"
            if "scope" not in fig:
                yield f"{where}: no scope"
            if fig.get("scope") == "breakdown" and fig.get("parent") and once(fig["parent"]) != 1:
                yield f"{where}: parent {fig['parent']!r} does not occur once"
        for q in entry.get("quotes") or []:
            if q.get("kind") not in VALUES["kind"]:
                yield f"{path.name}: {key}: quote {q.get('starts')!r}: kind {q.get('kind')!r}"
            if not q.get("speaker"):
                yield f"{path.name}: {key}: quote {q.get('starts')!r}: no speaker"
        for trap in entry.get("traps") or []:
            if text is not None and trap not in text:
                yield f"{path.name}: {key}: trap {trap!r} not in the text"


def stage(dest: Path, split: str = "dev") -> tuple[list[Article], list[Article]]:
    """Copy the split's present texts into ``dest`` with a ``manifest.jsonl``; return the
    articles staged and the ones missing."""
    dest.mkdir(parents=True, exist_ok=True)
    staged, missing = [], []
    lines = []
    for a in manifest():
        if split != "all" and a.split != split:
            continue
        src = texts_dir() / a.path
        if not src.exists():
            missing.append(a)
            continue
        shutil.copyfile(src, dest / a.path)
        staged.append(a)
        lines.append(json.dumps({"path": a.path, "url": a.url, "outlet": a.outlet,
                                 "published": a.published, "language": "en"}))
    (dest / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return staged, missing


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "status"
    if cmd == "status":
        rows = manifest()
        missing = [a for a in rows if not (texts_dir() / a.path).exists()]
        print(f"{len(rows)} articles, {len({a.incident for a in rows})} incidents, "
              f"{len(rows) - len(missing)} texts present in {texts_dir()}")
        for a in missing:
            print(f"missing {a.path}: {a.url} (query: {a.query})")
        return 0
    if cmd == "check":
        files = [Path(p) for p in argv[1:]] or gold_files()
        problems = [p for f in files for p in check_gold(f, texts_dir())]
        print("\n".join(problems) or f"{len(files)} gold file(s): no problems")
        return 1 if problems else 0
    if cmd == "stage":
        split = argv[argv.index("--split") + 1] if "--split" in argv else "dev"
        staged, missing = stage(Path(argv[1]), split)
        print(f"staged {len(staged)} articles of split {split} in {argv[1]}; {len(missing)} missing")
        for a in missing:
            print(f"missing {a.path}: {a.url}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
