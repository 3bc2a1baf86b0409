"""The ``sitrep`` command line end to end on articles written for these tests.

spaCy loads once per process, and every expensive run (ingest, demo) is a module-scoped fixture,
so the file stays fast. Every command gets ``--db`` or ``--out`` under a temporary directory: the
suite never writes into the working directory.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sitrep.cli import app

runner = CliRunner()

ARTICLES = {
    "idlib_strike.txt": (
        "At least 12 civilians were killed in an air strike on the town of Idlib on Tuesday, the "
        "Syrian Observatory for Human Rights said.\n"
        "Rescue workers said more than 30 people were wounded, many of them children, and that the "
        "toll could rise as they searched the rubble of the market.\n"
        "\"We pulled children from under the rubble with our bare hands,\" a volunteer with the "
        "civil defence said.\n"),
    "aleppo_shelling.txt": (
        "Shelling killed five people, including two children, in the countryside west of Aleppo on "
        "Wednesday, local officials said.\n"
        "2 View gallery\n"
        "Smoke rises over the village\n"
        "The shelling came after a week of clashes along the front line, in which dozens of fighters "
        "were reported killed.ofSyria’snew government has not commented on the attack.\n"),
    "darfur_displacement.txt": (
        "Fighting near El Fasher has displaced more than 2,000 families since Sunday, aid workers "
        "said on Thursday.\n"
        "The United Nations said between 300 and 400 people had been detained by armed men at "
        "checkpoints on the road south of the city.\n"
        "\"People are walking for days without water,\" a nurse at the camp told reporters.\n"),
    "homs_raid.html": (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Raid near Homs | Orontes Post</title>"
        "<meta property=\"og:site_name\" content=\"Orontes Post\">"
        "<meta property=\"article:published_time\" content=\"2025-03-06T08:00:00Z\">"
        "</head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World news</a></nav>"
        "<article><h1>Raid near Homs</h1>"
        "<p>Security forces detained 45 men during a raid on a village near Homs on Thursday, "
        "residents said, and three people were killed when a house was stormed.</p>"
        "<p>The interior ministry said the operation targeted a cell that had attacked a checkpoint "
        "earlier in the week.</p></article>"
        "<footer><p>Copyright 2025 Orontes Post. All rights reserved.</p></footer></body></html>\n"),
}
MANIFEST = [
    {"path": "idlib_strike.txt", "outlet": "Orontes Post", "published": "2025-03-04",
     "url": "https://example.org/orontes/idlib", "title": "Air strike on Idlib", "language": "en"},
    {"path": "aleppo_shelling.txt", "outlet": "Levant Daily", "published": "2025-03-05",
     "language": "en"},
    {"path": "darfur_displacement.txt", "outlet": "Nile Courier", "published": "2025-04-17",
     "language": "en"},
]

CONTRACT = {
    "documents": ["id", "url", "outlet", "title", "published", "published_inferred", "language",
                  "text", "raw_sha256"],
    "figures": ["id", "doc_id", "count", "min", "max", "qualifier", "status", "victims", "group",
                "perpetrator", "source", "source_id", "hedged", "place_ids", "period_start",
                "period_end", "reported_on", "span", "raw_span"],
    "quotes": ["id", "doc_id", "speaker", "speaker_id", "text", "kind", "venue", "said_on", "span",
               "statement_id"],
    "entities": ["id", "name", "type", "aliases"],
    "places": ["id", "name", "geonameid", "lat", "lon", "admin1", "country_code", "precision"],
    "incidents": ["id", "title", "start", "end", "place_ids", "doc_ids", "figure_ids"],
    "tallies": ["incident_id", "status", "victims", "low", "best", "high", "grade", "sources",
                "contradictions"],
}
QUALIFIERS = {"exact", "at_least", "more_than", "about", "up_to", "range", "vague"}
STATUSES = {"killed", "injured", "missing", "detained", "displaced", "kidnapped"}
VICTIMS = {"all", "civilians", "security_forces", "combatants", "children", "women", "journalists",
           "aid_workers", "unknown"}
ENTITY_TYPES = {"person", "organization", "armed_group", "government", "group", "media"}
PRECISIONS = {"point", "town", "district", "province", "country"}


def invoke(*args: str, **kw):
    result = runner.invoke(app, list(args), catch_exceptions=False, **kw)
    return result


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.jsonl").write_text("\n".join(json.dumps(m) for m in MANIFEST) + "\n",
                                           encoding="utf-8")
    return folder


def export_json(db: Path) -> dict:
    result = invoke("export", "--format", "json", "--db", str(db))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stats(db: Path) -> dict[str, int]:
    result = invoke("stats", "--db", str(db))
    assert result.exit_code == 0, result.output
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\w+)\s+(\d+)$", result.stdout, re.M)}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store holding the four articles, ingested once."""
    base = tmp_path_factory.mktemp("cli")
    corpus = write_corpus(base / "articles")
    db = base / "sitrep.db"
    first = invoke("ingest", str(corpus), "--db", str(db), "--quiet")
    return {"base": base, "corpus": corpus, "db": db, "first": first, "data": export_json(db)}


# --- help -----------------------------------------------------------------------------------

def command_names() -> list[str]:
    return sorted(typer.main.get_command(app).commands)


def test_expected_commands_exist():
    assert {"ingest", "watch", "export", "report", "serve", "stats", "demo"} <= set(command_names())


@pytest.mark.parametrize("command", [None, *command_names()])
def test_every_command_has_help(command):
    args = ["--help"] if command is None else [command, "--help"]
    result = invoke(*args)
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    if command:
        assert command in result.stdout


# --- ingest and export ----------------------------------------------------------------------

def test_ingest_stores_every_article(store):
    result = store["first"]
    assert result.exit_code == 0, result.output
    assert "4 stored, 0 unchanged, 0 problems" in result.output
    assert len(store["data"]["documents"]) == len(ARTICLES)


def test_export_json_has_every_contract_array_and_field(store):
    data = store["data"]
    for array, fields in CONTRACT.items():
        assert isinstance(data.get(array), list), array
        for row in data[array]:
            missing = [f for f in fields if f not in row]
            assert not missing, (array, missing, row.get("id"))
    assert data["figures"], "the articles carry casualty figures"
    assert data["quotes"], "the articles carry quotes"
    assert data["entities"], "the articles name organisations"


def test_export_vocabularies(store):
    data = store["data"]
    for f in data["figures"]:
        assert f["qualifier"] in QUALIFIERS, f
        assert f["status"] in STATUSES, f
        assert f["victims"] in VICTIMS, f
        assert isinstance(f["hedged"], bool)
        assert isinstance(f["place_ids"], list)
        assert set(f["span"]) >= {"start", "end", "text"}
        assert set(f["raw_span"]) >= {"start", "end"}
        for key in ("count", "min", "max"):
            assert f[key] is None or isinstance(f[key], int)
    for q in data["quotes"]:
        assert q["kind"] in {"direct", "indirect"}
    for e in data["entities"]:
        assert e["type"] in ENTITY_TYPES
        assert isinstance(e["aliases"], list)
    for p in data["places"]:
        assert p["precision"] in PRECISIONS


def test_documents_carry_metadata_and_clean_text(store):
    docs = {Path(d["source_path"]).name: d for d in store["data"]["documents"]}
    assert set(docs) == set(ARTICLES)
    idlib = docs["idlib_strike.txt"]
    assert idlib["outlet"] == "Orontes Post"
    assert idlib["published"] == "2025-03-04"
    assert idlib["published_inferred"] is False
    assert idlib["url"] == "https://example.org/orontes/idlib"
    assert idlib["title"] == "Air strike on Idlib"
    assert idlib["language"] == "en"
    assert re.fullmatch(r"[0-9a-f]{64}", idlib["raw_sha256"])
    aleppo = docs["aleppo_shelling.txt"]["text"]
    assert "View gallery" not in aleppo and "Smoke rises over the village" not in aleppo
    assert "of Syria’s new government" in aleppo
    html = docs["homs_raid.html"]
    assert html["outlet"] == "Orontes Post" and html["published"] == "2025-03-06"
    assert "World news" not in html["text"] and "Copyright" not in html["text"]
    assert "Security forces detained 45 men" in html["text"]


def test_figure_spans_are_slices_of_the_document_text(store):
    texts = {d["id"]: d["text"] for d in store["data"]["documents"]}
    for f in store["data"]["figures"]:
        text = texts[f["doc_id"]]
        s = f["span"]
        assert 0 <= s["start"] < s["end"] <= len(text)
        assert text[s["start"]:s["end"]] == s["text"], f["id"]


def test_quote_spans_are_slices_of_the_document_text(store):
    texts = {d["id"]: d["text"] for d in store["data"]["documents"]}
    for q in store["data"]["quotes"]:
        s = q["span"]
        assert texts[q["doc_id"]][s["start"]:s["end"]] == s["text"], q["id"]


def test_raw_spans_point_at_the_same_words_in_the_file(store):
    docs = {d["id"]: d for d in store["data"]["documents"]}
    checked = 0
    for f in store["data"]["figures"]:
        doc = docs[f["doc_id"]]
        source = Path(doc["source_path"]).read_text(encoding="utf-8")
        raw = source[f["raw_span"]["start"]:f["raw_span"]["end"]]
        if doc["fmt"] == "html":
            raw = re.sub(r"<[^>]+>", "", raw)
        clean_words = "".join(f["span"]["text"].split())
        it = iter(raw)
        assert all(c in it for c in clean_words), (f["span"]["text"], raw)
        checked += 1
    assert checked


def test_expected_figures_are_found(store):
    figs = store["data"]["figures"]
    by_text = {(f["count"], f["status"]): f for f in figs}
    twelve = by_text.get((12, "killed"))
    assert twelve is not None, [f["span"]["text"] for f in figs]
    assert twelve["qualifier"] == "at_least"
    assert twelve["min"] == 12
    assert twelve["victims"] == "civilians"
    assert twelve["source"] == "Syrian Observatory for Human Rights"
    assert twelve["reported_on"] == "2025-03-04"
    thirty = by_text.get((30, "injured"))
    assert thirty is not None and thirty["qualifier"] == "more_than" and thirty["min"] == 31
    detained = [f for f in figs if f["status"] == "detained"]
    assert any(f["qualifier"] == "range" and (f["min"], f["max"]) == (300, 400) for f in detained)
    assert any(f["count"] == 45 for f in detained)


def test_reingest_changes_nothing(store):
    db = store["db"]
    before_stats = stats(db)
    result = invoke("ingest", str(store["corpus"]), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    assert "0 stored, 4 unchanged, 0 problems" in result.output
    assert stats(db) == before_stats
    after = export_json(db)
    for array in CONTRACT:
        assert len(after[array]) == len(store["data"][array]), array
    assert [d["id"] for d in after["documents"]] == [d["id"] for d in store["data"]["documents"]]
    assert [f["id"] for f in after["figures"]] == [f["id"] for f in store["data"]["figures"]]


def test_stats_reads_sitrep_db_from_the_environment(store):
    result = invoke("stats", env={"SITREP_DB": str(store["db"])})
    assert result.exit_code == 0
    assert re.search(r"^documents\s+4$", result.stdout, re.M)


def test_export_json_to_a_file(store, tmp_path):
    out = tmp_path / "out.json"
    result = invoke("export", "--format", "json", "--out", str(out), "--db", str(store["db"]))
    assert result.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["figures"]) == len(store["data"]["figures"])


def test_export_csv(store, tmp_path):
    out = tmp_path / "csv"
    result = invoke("export", "--format", "csv", "--out", str(out), "--db", str(store["db"]))
    assert result.exit_code == 0, result.output
    path = out / "figures.csv"
    assert path.exists()
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for col in ["id", "doc_id", "count", "min", "max", "qualifier", "status", "victims", "source",
                "reported_on", "span.text"]:
        assert col in header, col
    assert len(rows) - 1 == len(store["data"]["figures"])
    body = [dict(zip(header, r)) for r in rows[1:]]
    assert {r["id"] for r in body} == {f["id"] for f in store["data"]["figures"]}
    for name in ("documents", "quotes", "entities", "places"):
        assert (out / f"{name}.csv").exists()
    # Tallies open in a spreadsheet: one row each, the per-source timelines as JSON in a cell.
    with (out / "tallies.csv").open(newline="", encoding="utf-8") as fh:
        tallies = list(csv.DictReader(fh))
    assert len(tallies) == len(store["data"]["tallies"]) > 0
    for row in tallies:
        timeline = json.loads(row["sources"])
        assert all("source" in s and s["timeline"] for s in timeline)
        assert row["grade"] in ("confirmed", "corroborated", "single_source", "contested")
    with (out / "incidents.csv").open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(store["data"]["incidents"])


def test_export_unknown_format_is_one_clear_line(store):
    result = invoke("export", "--format", "yaml", "--db", str(store["db"]))
    assert result.exit_code != 0
    assert "yaml" in result.stderr
    assert "Traceback" not in result.output


def test_export_without_a_database_is_one_clear_line(tmp_path):
    missing = tmp_path / "none.db"
    result = invoke("export", "--format", "json", "--db", str(missing))
    assert result.exit_code != 0
    assert str(missing) in result.stderr
    assert "Traceback" not in result.output
    assert not missing.exists()


# --- metadata -------------------------------------------------------------------------------

GOOD = ("Gunmen killed seven villagers in an attack on a market near Hama on Monday, residents said, "
        "and at least 20 people were wounded.\n")


def test_ingest_metadata_options(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    result = invoke("ingest", str(good), "--db", str(db), "--quiet", "--outlet", "Hama Herald",
                    "--published", "2025-03-03", "--language", "en", "--url",
                    "https://example.org/hama")
    assert result.exit_code == 0
    [doc] = export_json(db)["documents"]
    assert (doc["outlet"], doc["published"], doc["language"], doc["url"]) == (
        "Hama Herald", "2025-03-03", "en", "https://example.org/hama")


# --- demo -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = invoke("demo", "--out", str(out))
    return {"out": out, "result": result}


def test_demo_runs(demo):
    assert demo["result"].exit_code == 0, demo["result"].output
    assert (demo["out"] / "sitrep.json").exists()
    assert (demo["out"] / "csv" / "figures.csv").exists()
    assert (demo["out"] / "sitrep.db").exists()
    assert "Syrian Observatory for Human Rights" in (demo["out"] / "report.html").read_text("utf-8")
    assert f"HTML report: {(demo['out'] / 'report.html').resolve()}" in demo["result"].stdout


def test_demo_corpus_size(demo):
    data = json.loads((demo["out"] / "sitrep.json").read_text(encoding="utf-8"))
    assert len(data["documents"]) >= 12
    assert len({d["outlet"] for d in data["documents"] if d["outlet"]}) >= 4
    assert len(data["figures"]) >= 30
    for array in CONTRACT:
        assert isinstance(data[array], list)
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for f in data["figures"]:
        assert texts[f["doc_id"]][f["span"]["start"]:f["span"]["end"]] == f["span"]["text"]


def test_demo_parquet_export_is_each_array_converted_whole(demo, tmp_path):
    """The streamed Parquet export, one row group of 5,000 rows or of 7, has the schema and the
    rows of each array of the record converted at once (the export before it streamed)."""
    from sitrep.export import ARRAYS, collect, stream_arrays
    from sitrep.formats import write_parquet_dir
    from sitrep.store import Store
    from tests.unit.test_export_stream import assert_parquet_is_the_whole_table

    db = demo["out"] / "sitrep.db"
    result = invoke("export", "--format", "parquet", "--db", str(db), "--out", str(tmp_path / "cli"))
    assert result.exit_code == 0, result.output
    with Store(str(db), create=False) as store:
        data = collect(store)
        write_parquet_dir(stream_arrays(store), str(tmp_path / "small"), batch=7)
    assert len(data["figures"]) > 7 * 20
    for name in ARRAYS:
        for out in ("cli", "small"):
            assert_parquet_is_the_whole_table(data[name], name, tmp_path / out / f"{name}.parquet")


def test_demo_twice_changes_nothing(demo):
    before = json.loads((demo["out"] / "sitrep.json").read_text(encoding="utf-8"))
    result = invoke("demo", "--out", str(demo["out"]))
    assert result.exit_code == 0
    after = json.loads((demo["out"] / "sitrep.json").read_text(encoding="utf-8"))
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}


def test_document_without_figures_is_stored_with_an_empty_result(tmp_path):
    doc = tmp_path / "calm.txt"
    doc.write_text("The ministers met in Geneva on Monday to discuss the reconstruction of schools "
                   "and hospitals, and agreed to meet again next month.\n", encoding="utf-8")
    db = tmp_path / "s.db"
    result = invoke("ingest", str(doc), "--db", str(db), "--quiet")
    assert result.exit_code == 0
    assert "1 stored, 0 unchanged, 0 problems" in result.stderr
    data = export_json(db)
    assert len(data["documents"]) == 1
    assert data["figures"] == []
