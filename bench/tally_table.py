"""Compare each gold incident's authoritative killed toll with sitrep's killed tally.

    python bench/tally_table.py EXPORT.json [--split dev] [--json]

Reads the real-article gold (``realset/gold/*.yaml``, ``incidents:`` → ``authoritative``) and
the manifest for the split, and a ``sitrep export --format json`` of those articles. Each gold
incident is matched to the exported incident holding most of its documents (by file name); its
killed tally for victims ``all`` (else the killed tally with the largest best, victims named)
gives low / best / high and grade. ``within`` says whether best is within ±25% of the
authoritative count; ``high_ok`` whether high is not below it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "realset"


def gold_incidents(split: str) -> dict[str, dict]:
    docs_of: dict[str, list[str]] = {}
    for path in sorted((ROOT / "manifest").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if split == "all" or row["split"] == split:
                    docs_of.setdefault(row["incident"], []).append(row["path"])
    out = {}
    for path in sorted((ROOT / "gold").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, inc in (data.get("incidents") or {}).items():
            if key in docs_of:
                out[key] = {**inc, "docs": docs_of[key]}
    return out


def killed_tally(tallies: list[dict], incident_id: str) -> dict | None:
    mine = [t for t in tallies if t["incident_id"] == incident_id and t["status"] == "killed"]
    for t in mine:
        if t["victims"] == "all":
            return t
    return max(mine, key=lambda t: t.get("best") or 0, default=None)


def rows(export: dict, split: str) -> list[dict]:
    name_of = {d["id"]: Path(d.get("source_path") or "").name for d in export["documents"]}
    out = []
    for key, inc in sorted(gold_incidents(split).items()):
        auth = inc.get("authoritative") or {}
        votes = Counter(i["id"] for i in export["incidents"] for d in i["doc_ids"]
                        if name_of.get(d) in inc["docs"])
        iid = votes.most_common(1)[0][0] if votes else None
        t = killed_tally(export["tallies"], iid) if iid else None
        count = auth.get("count")
        best = t.get("best") if t else None
        within = bool(count and best is not None and abs(best - count) <= 0.25 * count)
        high_ok = bool(t and count and t.get("high") is not None and t["high"] >= count)
        out.append({"incident": key, "authoritative": count, "auth_qualifier": auth.get("qualifier"),
                    "auth_source": auth.get("source"), "incident_id": iid,
                    "docs_in_incident": votes[iid] if iid else 0, "docs": len(inc["docs"]),
                    "victims": t.get("victims") if t else None,
                    "low": t.get("low") if t else None, "best": best,
                    "high": t.get("high") if t else None, "grade": t.get("grade") if t else None,
                    "sources": t.get("independent_sources") if t else None,
                    "within": within, "high_ok": high_ok})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("export")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    export = json.loads(Path(args.export).read_text(encoding="utf-8"))
    table = rows(export, args.split)
    if args.json:
        json.dump(table, sys.stdout, indent=1)
        print()
        return 0
    print(f"{'incident':36} {'auth':>6} {'low':>6} {'best':>6} {'high':>6}  {'grade':14} src docs ±25% high>=")
    for r in table:
        def n(v):
            return "-" if v is None else f"{v:,}"
        vic = "" if r["victims"] in (None, "all") else f" ({r['victims']})"
        print(f"{r['incident']:36} {n(r['authoritative']):>6} {n(r['low']):>6} {n(r['best']):>6} "
              f"{n(r['high']):>6}  {(r['grade'] or '-'):14} {n(r['sources']):>3} "
              f"{r['docs_in_incident']}/{r['docs']}  {'yes' if r['within'] else 'no':4} "
              f"{'yes' if r['high_ok'] else 'no'}{vic}")
    k = sum(r["within"] for r in table)
    h = sum(r["high_ok"] for r in table)
    print(f"within ±25%: {k}/{len(table)}; high not below: {h}/{len(table)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
