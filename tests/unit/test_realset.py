"""The real-article set's committed half: a manifest and a gold that agree with each other and
with the contract's vocabularies, whether or not the (never committed) texts are present."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from sitrep import realset


def _gold_docs() -> dict[str, dict]:
    docs: dict[str, dict] = {}
    for path in realset.gold_files():
        gold = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, entry in (gold.get("documents") or {}).items():
            assert key not in docs, f"{path.name}: {key} is annotated twice"
            docs[key] = entry
    return docs


def test_every_article_has_one_gold_entry_and_one_split_per_incident():
    rows = realset.manifest()
    assert len(rows) >= 100
    assert len({a.id for a in rows}) == len(rows), "article ids repeat"
    docs = _gold_docs()
    assert {a.path for a in rows} == set(docs), "manifest and gold name different articles"
    splits = defaultdict(set)
    for a in rows:
        assert a.split in {"dev", "heldout"}, a
        assert a.url.startswith("http") and a.query, a
        splits[a.incident].add(a.split)
    assert all(len(s) == 1 for s in splits.values()), "an incident is split across dev and held-out"
    assert any(s == {"heldout"} for s in splits.values()), "no held-out incident to report on"


def test_every_gold_incident_names_its_authoritative_toll_in_one_of_its_articles():
    by_incident = defaultdict(set)
    for a in realset.manifest():
        by_incident[a.incident].add(a.path)
    for path in realset.gold_files():
        gold = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, inc in (gold.get("incidents") or {}).items():
            auth = inc["authoritative"]
            assert auth["doc"] in by_incident[key], (path.name, key)
            assert auth["count"] > 0 and auth["qualifier"] in realset.VALUES["qualifier"]


def test_every_gold_value_is_in_the_contracts_vocabularies():
    problems = [p for f in realset.gold_files() for p in realset.check_gold(f, None)]
    assert problems == []


def test_the_anchor_check_names_a_missing_a_repeated_anchor_and_a_bad_value(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Gunmen killed 12 villagers. Police said 12 villagers died.",
                                    encoding="utf-8")
    gold = {"documents": {"a.txt": {"path": "a.txt", "figures": [
        {"text": "12 villagers", "status": "killed", "scope": "whole"},
        {"text": "killed 30", "status": "dead", "scope": "whole"},
        {"text": "Gunmen killed 12", "status": "killed"}],
        "quotes": [{"speaker": "Police", "kind": "indirect", "starts": "12 villagers died"}],
        "traps": ["in 2022"]}}}
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump(gold), encoding="utf-8")
    problems = list(realset.check_gold(path, tmp_path))
    assert problems == [
        "g.yaml: a.txt: figure '12 villagers': anchor occurs 2 times",
        "g.yaml: a.txt: figure 'killed 30': anchor occurs 0 times",
        "g.yaml: a.txt: figure 'killed 30': status 'dead' not one of "
        "['detained', 'displaced', 'injured', 'kidnapped', 'killed', 'missing']",
        "g.yaml: a.txt: figure 'Gunmen killed 12': no scope",
        "g.yaml: a.txt: trap 'in 2022' not in the text",
    ]
    (tmp_path / "a.txt").unlink()
    assert list(realset.check_gold(path, tmp_path))[0].endswith("text missing ("
                                                                 f"{tmp_path / 'a.txt'})")
