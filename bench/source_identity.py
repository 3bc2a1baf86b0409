"""How many sources sitrep makes of one organisation, per incident, on the real set.

For every incident of a split and every organisation the gold names as a figure's source, the
distinct ``source_key`` values sitrep gave the matched figures (counted, non-background). Issue
F's target is one key per organisation per incident; this prints the organisations split into
several and the share kept whole.

    python bench/source_identity.py EXPORT.json --split dev
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sitrep.evaluate import _canonical, match_figures, realset_gold  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("export")
    ap.add_argument("--split", default="dev")
    args = ap.parse_args(argv)
    data = json.loads(Path(args.export).read_text(encoding="utf-8"))
    gold = realset_gold(args.split)
    by_path = {Path(d["source_path"]).name: d for d in data["documents"]}
    figs: dict[str, list[dict]] = defaultdict(list)
    for f in data["figures"]:
        figs[f["doc_id"]].append(f)
    keys: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, entry in gold["documents"].items():
        doc = by_path.get(name)
        if doc is None:
            continue
        for g, p, _ in match_figures(entry.get("figures") or [], figs[doc["id"]], set()):
            if p is None or not g.get("source") or p.get("background") or not p.get("source_key"):
                continue
            if p["source_key"].startswith("outlet:"):
                continue
            keys[(entry["incident"], _canonical(g["source"]))][p["source_key"]].add(p["source"])
    split = {k: v for k, v in keys.items() if len(v) > 1}
    for (inc, org), v in sorted(split.items()):
        print(f"{inc:40s} {org:45s} " + " | ".join(sorted(n for s in v.values() for n in s)))
    print(f"organisations kept as one source: {len(keys) - len(split)}/{len(keys)} "
          f"(incident x gold source pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
