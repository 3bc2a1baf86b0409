"""Bad input, as a user's corpus brings it: every bad file gives one line naming it and the
problem, the batch goes on, and nothing stored is lost or duplicated.

Covers binary, empty, 100 MB, legacy and UTF-16/32 encodings (with and without a byte-order mark),
truncated HTML, invalid JSONL lines, a feed that is not a feed, duplicate files, and an ingest killed
with SIGKILL mid-run and then resumed, compared with an uninterrupted run.
"""

from __future__ import annotations

import codecs
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus import DEMO
from tests.integration.test_cli import GOOD, export_json, invoke, stats
from tests.pg import fresh_database


def report(n: int, place: str) -> str:
    """A short article whose figure (n killed) and place tell the copies apart; 'café' checks
    that the encoding was read right."""
    return (f"Gunmen killed {n} villagers in an attack on a market near {place} on Monday, the "
            f"owner of a café said.\n")


# Files that are read: stored, with the text decoded as written.
READABLE = {
    "latin1.txt": report(11, "Hama").encode("latin-1"),
    "cp1252.txt": report(12, "Homs").replace("the owner", "“the owner”").encode("cp1252"),
    "utf16_bom.txt": report(13, "Idlib").encode("utf-16"),
    "utf16le_no_bom.txt": report(14, "Aleppo").encode("utf-16-le"),
    "utf16be_no_bom.txt": report(15, "Latakia").encode("utf-16-be"),
    "utf32_bom.txt": report(16, "Tartus").encode("utf-32"),
    "utf8_bom.txt": codecs.BOM_UTF8 + report(17, "Jableh").encode("utf-8"),
    "truncated_body.html": ("<!DOCTYPE html><html><head><title>Attack</title></head><body><article>"
                            f"<p>{report(18, 'Baniyas')}</p><p>Rescue workers were still searching the"
                            ).encode("utf-8"),
}

# Files that are refused, with the words their one line must carry.
REFUSED = {
    "binary.bin": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "binary"),
    "random.dat": (bytes((i * 7919) % 251 for i in range(4096)), "binary"),
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\n\t \n", "empty"),
    "bom_only.txt": (codecs.BOM_UTF8, "empty"),
    "truncated_head.html": (b"<!DOCTYPE html><html><head><title>Raid near Ho", "no extractable"),
    "notafeed.xml": (b"this is not a feed <<< ]]> &&&", "not an RSS/Atom feed"),
    "empty_feed.rss": (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                       b"</channel></rss>", "not an RSS/Atom feed"),
}

JSONL = [
    json.dumps({"text": report(19, "Qardaha"), "outlet": "Levant Daily", "published": "2025-03-02"}),
    "{not valid json",
    "[1, 2, 3]",
    json.dumps({"title": "no body here"}),
    json.dumps({"text": report(20, "Daraa")})[:-10],  # cut off mid-line
    json.dumps({"text": report(21, "Deir ez-Zor")}),
]
JSONL_PROBLEMS = {2: "invalid JSON", 3: "not an object", 4: "no 'text' field", 5: "invalid JSON"}

HUGE_BYTES = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def battery(tmp_path_factory):
    base = tmp_path_factory.mktemp("battery")
    batch = base / "batch"
    batch.mkdir()
    (batch / "good.txt").write_text(GOOD, encoding="utf-8")
    (batch / "good_copy.txt").write_text(GOOD, encoding="utf-8")
    for name, data in READABLE.items():
        (batch / name).write_bytes(data)
    for name, (data, _) in REFUSED.items():
        (batch / name).write_bytes(data)
    (batch / "lines.jsonl").write_text("\n".join(JSONL) + "\n", encoding="utf-8")
    line = report(22, "Hama").encode("utf-8")
    with open(batch / "huge.txt", "wb") as fh:  # real text, not a sparse file
        for _ in range(HUGE_BYTES // len(line) + 1):
            fh.write(line)
    db = base / "sitrep.db"
    result = invoke("ingest", str(batch), "--db", str(db), "--quiet")
    (batch / "huge.txt").unlink()  # 100 MB is not kept around for the other tests
    return {"batch": batch, "db": db, "result": result, "data": export_json(db)}


def lines_naming(result, name: str) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if f"{name}:" in ln or ln.rstrip().endswith(name)]


def test_the_batch_goes_on_and_exits_zero(battery):
    result = battery["result"]
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    problems = len(REFUSED) + 1 + len(JSONL_PROBLEMS)  # + huge.txt
    stored = 1 + len(READABLE) + 2  # good.txt, the readable files, two good JSONL lines
    assert f"{stored} stored, 1 unchanged, {problems} problems" in result.stderr


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_refused_file_is_one_line_naming_it(battery, name):
    batch = battery["batch"]
    [line] = lines_naming(battery["result"], str(batch / name))
    assert line.startswith("skipped ") and REFUSED[name][1] in line, line


def test_a_100_mb_file_is_refused_without_reading_it(battery):
    [line] = lines_naming(battery["result"], str(battery["batch"] / "huge.txt"))
    assert "file too large" in line and "limit 20,000,000" in line, line


@pytest.mark.parametrize("lineno", sorted(JSONL_PROBLEMS))
def test_each_invalid_jsonl_line_is_one_line_naming_it(battery, lineno):
    [line] = lines_naming(battery["result"], f"{battery['batch'] / 'lines.jsonl'}:{lineno}")
    assert JSONL_PROBLEMS[lineno] in line, line


@pytest.mark.parametrize("name", sorted(READABLE))
def test_each_encoding_is_read_as_written(battery, name):
    docs = {Path(d["source_path"]).name: d for d in battery["data"]["documents"]}
    assert name in docs, sorted(docs)
    text = docs[name]["text"]
    assert "café" in text and "Gunmen killed" in text and "\x00" not in text, text
    figures = [f for f in battery["data"]["figures"] if f["doc_id"] == docs[name]["id"]]
    n = int(text.split("Gunmen killed ")[1].split()[0])
    assert any(f["count"] == n and f["status"] == "killed" for f in figures), figures


def test_good_jsonl_lines_around_bad_ones_are_stored(battery):
    names = {Path(d["source_path"]).name for d in battery["data"]["documents"]}
    assert {"lines.jsonl:1", "lines.jsonl:6"} <= names
    assert not any(n.startswith("lines.jsonl:") and n not in ("lines.jsonl:1", "lines.jsonl:6")
                   for n in names)


def test_duplicate_files_are_stored_once(battery):
    docs = battery["data"]["documents"]
    assert sum(Path(d["source_path"]).name in ("good.txt", "good_copy.txt") for d in docs) == 1
    for array in ("documents", "figures", "quotes"):
        ids = [row["id"] for row in battery["data"][array]]
        assert len(ids) == len(set(ids)), array


def test_problems_are_recorded_once_each(battery):
    result = invoke("stats", "--db", str(battery["db"]))
    problem_lines = [ln for ln in result.stdout.splitlines() if ln.startswith("problem")]
    assert len(problem_lines) == len(REFUSED) + 1 + len(JSONL_PROBLEMS)


def test_rerun_on_bad_input_changes_nothing(battery):
    before = stats(battery["db"])
    result = invoke("ingest", str(battery["batch"]), "--db", str(battery["db"]), "--quiet")
    assert result.exit_code == 0
    assert "0 stored" in result.stderr
    assert stats(battery["db"]) == before
    assert export_json(battery["db"]) == battery["data"]


def test_missing_path_is_one_line_and_exit_zero(tmp_path):
    missing = tmp_path / "nowhere"
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    result = invoke("ingest", str(missing), str(good), "--db", str(db), "--quiet")
    assert result.exit_code == 0
    assert len(lines_naming(result, str(missing))) == 1
    assert stats(db)["documents"] == 1


# --- an ingest killed mid-run, then resumed -------------------------------------------------

def count_documents(target: str) -> int:
    try:
        if target.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(target) as conn:
                return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except Exception:  # noqa: BLE001 - not created yet
        return 0


# Fields the link stage adds from the whole corpus, not from the document itself.
# Fields the export sets across documents. ``scope`` is one of them: a figure linking sets
# apart as background (too far from the incident's places, say) is exported as background,
# and which documents are stored decides that.
LINKED = {"incident_id", "background", "background_reason", "claim_id", "repeat_of", "counted",
          "counted_as_victims", "source_key", "source_name", "partial", "floor", "projection",
          "statement_id", "text_statement_id", "statement_quotes", "scope", "scope_reason"}


def per_document(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in LINKED}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    db = tmp_path_factory.mktemp("whole") / "whole.db"
    result = invoke("ingest", str(DEMO), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    return export_json(db)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "killed.db")
    else:
        yield from fresh_database()


def test_killed_ingest_resumes_with_nothing_lost_or_duplicated(target, uninterrupted):
    total = len(uninterrupted["documents"])
    proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "ingest", str(DEMO), "--db", target,
                             "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while count_documents(target) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    kept = count_documents(target)
    assert 2 <= kept < total, kept

    # What survived the kill is whole: each stored document has all its figures and quotes, as
    # extracted (fields that linking adds across documents depend on which documents are there).
    partial = export_json(target)
    for array in ("figures", "quotes"):
        stored_docs = {d["id"] for d in partial["documents"]}
        expected = [per_document(r) for r in uninterrupted[array] if r["doc_id"] in stored_docs]
        assert [per_document(r) for r in partial[array]] == expected, array

    resumed = invoke("ingest", str(DEMO), "--db", target, "--quiet")
    assert resumed.exit_code == 0, resumed.output
    assert f"{total - kept} stored, {kept} unchanged, 0 problems" in resumed.stderr
    assert export_json(target) == uninterrupted
