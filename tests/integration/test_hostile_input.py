"""Hostile input: what a crawler dump or an attacker hands sitrep. Each case asserts what the user
sees (one line naming the item, the exit status) and what the store holds afterwards (nothing read
from outside what the user named, nothing poisoned, every export still works).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.ingest import read_paths
from sitrep.meta import validate
from sitrep.records import Problem, RawDocument
from tests.integration.test_bad_input import count_documents
from tests.integration.test_cli import GOOD, export_json, invoke, stats
from tests.pg import fresh_database
# A fresh store of each kind (SQLite, PostgreSQL): the battery holds for both.
from tests.integration.test_bad_input import target  # noqa: F401  (a fixture)

SECRET = "SECRET-TOKEN-7f3a The launch codes are in the drawer.\n"


def ingest(*args: str):
    return invoke("ingest", *args, "--quiet")



def lines(output: str, word: str) -> list[str]:
    return [ln for ln in output.splitlines() if word in ln]


# --- reading outside what the user named ----------------------------------------------------

def test_a_manifest_cannot_pull_in_files_outside_its_folder(tmp_path):
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(secret, corpus / "link.txt")
    entries = [{"path": str(secret)}, {"path": "../private/secret.txt"},
               {"path": "sub/../../private/secret.txt"}, {"path": "link.txt"},
               {"path": "good.txt", "outlet": "Hama Herald"}]
    (corpus / "manifest.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n")
    db = tmp_path / "s.db"
    result = invoke("ingest", str(corpus / "manifest.jsonl"), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    refused = lines(result.output, "outside the manifest's folder")
    assert len(refused) == 4, result.output
    assert all("manifest.jsonl:" in ln for ln in refused)
    data = export_json(db)
    assert [d["outlet"] for d in data["documents"]] == ["Hama Herald"]
    assert "SECRET-TOKEN" not in json.dumps(data)


# --- unvalidated metadata ---------------------------------------------------------------------

BAD_LINES = [
    {"text": GOOD, "title": {"evil": 1}, "url": "https://example.org/1"},
    {"text": GOOD.replace("seven", "eight"), "outlet": ["a", "b"], "url": "https://example.org/2"},
    {"text": GOOD.replace("seven", "nine"), "url": 12345},
    {"text": GOOD.replace("seven", "ten"), "title": "bad \ud800 title", "url": "https://example.org/4"},
    {"text": GOOD.replace("seven", "eleven") + "A lone \udc00 surrogate and a NUL\x00 here.\n",
     "url": "https://example.org/5"},
]


def test_bad_metadata_fields_are_dropped_with_one_line_and_the_items_kept(tmp_path, target):
    f = tmp_path / "items.jsonl"
    # json.dumps escapes lone surrogates as \ud800, which json.loads gives back as they were.
    f.write_text("\n".join(json.dumps(line) for line in BAD_LINES) + "\n", encoding="utf-8")
    db = target
    result = ingest(str(f), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warnings = lines(result.output, "dropped")
    assert len(warnings) == 3, result.output
    assert any("items.jsonl:1: field 'title' dropped: expected text, got object" in w for w in warnings)
    assert any("items.jsonl:2: field 'outlet' dropped" in w for w in warnings)
    assert any("items.jsonl:3: field 'url' dropped" in w for w in warnings)
    data = export_json(db)
    assert len(data["documents"]) == 5
    titles = [d["title"] for d in data["documents"]]
    assert all(t is None or isinstance(t, str) for t in titles)
    assert "bad \ufffd title" in titles
    assert all("\x00" not in d["text"] for d in data["documents"])
    # Every export and the report still work on this store.
    for fmt in ("csv", "geojson", "acled", "ucdp", "parquet"):
        out = tmp_path / f"out-{fmt}"
        r = invoke("export", "--format", fmt, "--out", str(out), "--db", str(db))
        assert r.exit_code == 0, r.output
    assert invoke("report", "--out", str(tmp_path / "r.html"), "--db", str(db)).exit_code == 0
    # The warnings are kept: `stats` lists them.
    assert "field 'title' dropped" in invoke("stats", "--db", str(db)).stdout


@pytest.mark.parametrize("value, reason", [
    ("now", "unreadable date"), ("today", "unreadable date"), (1e308, "expected text, got number"),
    ("2025-13-45", "impossible date"), ("2099-01-01", "in the future"), ("1066-10-14", "before"),
])
def test_implausible_publication_dates_are_refused_with_a_reason(value, reason):
    meta, problems = validate({"published": value, "outlet": "X"}, "f.jsonl:1")
    assert meta == {"outlet": "X"}
    [p] = problems
    assert p.path == "f.jsonl:1" and reason in p.message


def test_plausible_publication_dates_are_normalised():
    for value in ("2025-03-07", "2025-03-07T09:30:00Z", "7 March 2025", "March 7, 2025"):
        assert validate({"published": value}, "x")[0] == {"published": "2025-03-07"}


def test_a_bad_published_option_is_one_line_and_exit_2(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = ingest(str(good), "--db", str(tmp_path / "s.db"), "--published", "now")
    assert result.exit_code == 2
    assert result.output.strip() == "--options: field 'published' dropped: unreadable date 'now'"


def test_manifest_lines_of_the_wrong_shape_are_one_line_each(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        '{"path": 5}\n[1, 2]\nnot json\n{"path": "good.txt", "title": {"x": 1}, "published": "2025-03-03"}\n',
        encoding="utf-8")
    items = list(read_paths([str(tmp_path)]))
    problems = [i.line() for i in items if isinstance(i, Problem)]
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(problems) == 4, problems
    assert sum("manifest.jsonl:" in p for p in problems) == 4
    [doc] = docs
    assert doc.title is None and doc.published == "2025-03-03"


# --- a store written before validation existed ----------------------------------------------

def _poison(target: str) -> str:
    """Give the first stored document a title object and an outlet list, as an older version
    could store them; returns its id."""
    from sitrep.store import Store

    with Store(target) as store:
        doc_id, data = store.execute("SELECT id, data FROM documents ORDER BY id LIMIT 1").fetchone()
        row = json.loads(data)
        row["title"] = {"an": "object"}
        row["outlet"] = ["a", "list"]
        store.execute("UPDATE documents SET data = ? WHERE id = ?", (json.dumps(row), doc_id))
    return doc_id


def test_a_poisoned_stored_row_is_one_reported_row_not_a_dead_record(tmp_path, target):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD.replace("Hama", "Homs"), encoding="utf-8")
    db = target
    assert ingest(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", str(db)).exit_code == 0
    doc_id = _poison(db)
    result = invoke("export", "--format", "json", "--db", str(db))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["documents"]) == 2
    [bad] = [d for d in data["documents"] if d["id"] == doc_id]
    assert bad["title"] is None and bad["outlet"] is None
    assert len(lines(result.stderr, f"stored document {doc_id}")) == 2
    assert invoke("report", "--out", str(tmp_path / "r.html"), "--db", str(db)).exit_code == 0


# --- one bad item never loses good ones -----------------------------------------------------

def test_special_files_and_link_loops_are_skipped_with_one_line(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    os.symlink(corpus / "loop", corpus / "loop")
    os.symlink(corpus, corpus / "again")  # a link back to the folder: not walked into
    db = tmp_path / "s.db"
    result = ingest(str(corpus), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert len(lines(result.output, "pipe.txt: not a regular file")) == 1
    assert len(lines(result.output, "loop: cannot read")) == 1
    assert stats(db)["documents"] == 1


def test_file_names_with_markup_or_newlines_are_printed_literally(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "[").mkdir()
    (corpus / "[" / "x] odd[bold].txt").write_bytes(b"")  # its path holds "[/x]"
    (corpus / "two\nlines.txt").write_bytes(b"")
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    result = ingest(str(corpus), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "[/x] odd[bold].txt: empty file" in result.output
    assert "two\\nlines.txt: empty file" in result.output
    assert stats(db)["documents"] == 1


# --- values no spreadsheet should run -------------------------------------------------------

def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path):
    f = tmp_path / "items.jsonl"
    f.write_text(json.dumps({"text": GOOD, "outlet": "=HYPERLINK(\"http://evil\")",
                             "title": "@SUM(A1)", "url": "https://example.org/f"}) + "\n")
    db = tmp_path / "s.db"
    assert ingest(str(f), "--db", str(db)).exit_code == 0
    out = tmp_path / "csv"
    assert invoke("export", "--format", "csv", "--out", str(out), "--db", str(db)).exit_code == 0
    with open(out / "documents.csv", newline="", encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["outlet"] == "'=HYPERLINK(\"http://evil\")" and row["title"] == "'@SUM(A1)"
    acled = invoke("export", "--format", "acled", "--db", str(db))
    assert acled.exit_code == 0
    cells = [c for r in csv.reader(io.StringIO(acled.stdout)) for c in r]
    assert not any(c.startswith(("=", "@", "+")) for c in cells)


# --- generated hostile items ----------------------------------------------------------------

JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                       max_leaves=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["url", "outlet", "title", "published", "language", "text", "path"]),
                       JSONISH, max_size=6))
def test_generated_jsonl_and_manifest_items_never_crash_or_store_bad_types(tmp_path, obj):
    folder = tmp_path / "h"
    folder.mkdir(exist_ok=True)
    for f in folder.iterdir():
        f.unlink()
    (folder / "items.jsonl").write_text(json.dumps(obj) + "\n", encoding="utf-8")
    (folder / "manifest.jsonl").write_text(json.dumps(obj) + "\n", encoding="utf-8")
    for item in read_paths([str(folder)]):
        if isinstance(item, RawDocument):
            for k in ("url", "outlet", "title", "published", "language"):
                assert getattr(item, k) is None or isinstance(getattr(item, k), str)
            item.raw.encode("utf-8")  # no lone surrogate survives
            assert "\x00" not in item.raw
        else:
            assert isinstance(item, Problem) and "\n" not in item.message


FEED_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "title": FEED_TEXT, "link": FEED_TEXT | st.just("javascript:alert(1)") | st.just("file:///etc/passwd"),
    "pubDate": FEED_TEXT | st.sampled_from(["now", "1e308", "Mon, 45 Foo 2099 99:99:99 GMT",
                                             "2025-13-45", "Tue, 01 Jan 2999 00:00:00 GMT"]),
    "description": FEED_TEXT | st.sampled_from(["<script>x()</script>", "]]>", "&amp;&#0;&#xD800;"]),
}), max_size=4))
def test_generated_feed_items_never_crash_or_store_bad_values(items):
    from xml.sax.saxutils import escape

    from sitrep.ingest import read_feed_bytes

    body = "".join(f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
                   f"<pubDate>{escape(i['pubDate'])}</pubDate>"
                   f"<description>{escape(i['description'])}</description></item>" for i in items)
    xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    for item in read_feed_bytes(xml.encode("utf-8", "surrogatepass"), "feed.xml", {}):
        if isinstance(item, RawDocument):
            for k in ("url", "outlet", "title", "published", "language"):
                assert getattr(item, k) is None or isinstance(getattr(item, k), str)
            assert item.published is None or "2000" <= item.published[:4] <= "2100"
            assert item.published is None or item.published[:4] != "2999"
            item.raw.encode("utf-8")
            assert "\x00" not in item.raw
        else:
            assert isinstance(item, Problem) and "\n" not in item.message


# --- input it cannot read yet ---------------------------------------------------------------

def test_languages_are_detected_stored_and_counted(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "en.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "fr.txt").write_text(
        "Des hommes armés ont tué au moins trente villageois lors d'une attaque contre un marché, "
        "selon les habitants de la région.\n", encoding="utf-8")
    (corpus / "ar.txt").write_text("قتل ثلاثون شخصا على الأقل في هجوم مسلح على سوق القرية، بحسب السكان المحليين.\n",
                                   encoding="utf-8")
    db = tmp_path / "s.db"
    result = ingest(str(corpus), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert ("2 new document(s) in a language sitrep does not extract yet (stored, no figures or "
            "quotes): ar 1, fr 1") in result.output
    data = export_json(db)
    assert sorted(d["language"] for d in data["documents"]) == ["ar", "en", "fr"]
    assert {f["doc_id"] for f in data["figures"]} == {d["id"] for d in data["documents"] if d["language"] == "en"}
    out = invoke("stats", "--db", str(db)).stdout
    assert "language   fr 1 (not extracted yet)" in out and "language   en 1\n" in out


# --- secrets and exposure -------------------------------------------------------------------

def test_passwords_are_masked_in_the_user_part_and_the_query_string():
    from sitrep.store import display, mask_secrets

    url = "postgresql://u:pw1@127.0.0.1:1/db?sslmode=disable&password=s3cret"
    assert display(url) == "postgresql://u:***@127.0.0.1:1/db?sslmode=disable&password=***"
    result = invoke("stats", "--db", url)
    assert result.exit_code == 2
    assert "pw1" not in result.output and "s3cret" not in result.output
    assert mask_secrets("failed for pw1 and s3cret", url) == "failed for *** and ***"


def _guarded_client(token=None, bound="127.0.0.1", extra=()):
    from fastapi.testclient import TestClient

    from sitrep.guard import protect
    from sitrep.web import create_app
    from tests.report_data import record

    return TestClient(protect(create_app(load=record), bound, extra, token), base_url="http://127.0.0.1")


def test_the_app_answers_only_trusted_host_names():
    client = _guarded_client()
    assert client.get("/api/incidents").status_code == 200
    assert client.get("/api/incidents", headers={"Host": "localhost:8000"}).status_code == 200
    rebinding = client.get("/api/incidents", headers={"Host": "attacker.example:8000"})
    assert rebinding.status_code == 400
    wide = _guarded_client(bound="0.0.0.0", extra=["sitrep.example.org"])
    assert wide.get("/api/incidents", headers={"Host": "sitrep.example.org"}).status_code == 200
    assert wide.get("/api/incidents", headers={"Host": "evil.example"}).status_code == 400


def test_a_token_guards_every_request():
    import base64

    client = _guarded_client(token="t0ken")
    denied = client.get("/api/incidents")
    assert denied.status_code == 401 and denied.headers["www-authenticate"].startswith("Basic")
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/incidents", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    basic = base64.b64encode(b"anyone:t0ken").decode()
    assert client.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200


def test_serving_beyond_loopback_without_a_token_is_warned_about():
    from sitrep.guard import exposure_warning

    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", "t") is None
    assert "without a token" in exposure_warning("0.0.0.0", None)


# --- store integrity ------------------------------------------------------------------------

@pytest.fixture
def small_store(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "s.db"
    assert ingest(str(tmp_path / "a.txt"), "--db", str(db)).exit_code == 0
    return db


def test_a_failed_export_leaves_the_previous_output_whole(small_store, tmp_path, monkeypatch):
    out = tmp_path / "record.json"
    assert invoke("export", "--out", str(out), "--db", str(small_store)).exit_code == 0
    before = out.read_text(encoding="utf-8")
    import sitrep.export

    def dies(data, fh):
        fh.write('{"documents": [')
        raise KeyboardInterrupt  # as a kill mid-write would leave it

    # The JSON export is written row by row (write_json_stream); a kill mid-write is the same.
    monkeypatch.setattr(sitrep.export, "write_json", dies)
    monkeypatch.setattr(sitrep.export, "write_json_stream", dies)
    assert invoke("export", "--out", str(out), "--db", str(small_store)).exit_code != 0
    assert out.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".record")] == []


def test_an_unwritable_output_is_one_line_and_exit_2(small_store, tmp_path):
    for args in (["export", "--out", str(tmp_path / "no" / "such" / "dir" / "x.json")],
                 ["report", "--out", str(tmp_path / "nodir" / "r.html")]):
        result = invoke(*args, "--db", str(small_store))
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1 and "cannot write" in result.output


def test_read_commands_never_create_tables_in_a_foreign_file(tmp_path):
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    for cmd in (["stats"], ["export"], ["report", "--out", str(tmp_path / "r.html")]):
        result = invoke(*cmd, "--db", str(foreign))
        assert result.exit_code == 2 and "not a sitrep database" in result.output
    result = ingest(str(tmp_path), "--db", str(foreign))
    assert result.exit_code == 2 and "not a sitrep database" in result.output
    with sqlite3.connect(foreign) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert invoke("stats", "--db", str(empty)).exit_code == 2
    assert empty.read_bytes() == b""


def test_a_newer_schema_is_refused_and_an_older_one_upgraded(small_store):
    with sqlite3.connect(small_store) as conn:
        conn.execute("UPDATE sitrep_meta SET value = '99' WHERE key = 'schema_version'")
    for cmd in (["stats"], ["ingest", str(small_store.parent / "a.txt")]):
        result = invoke(*cmd, "--db", str(small_store))
        assert result.exit_code == 2 and "newer sitrep (schema 99" in result.output
    with sqlite3.connect(small_store) as conn:
        conn.execute("DROP TABLE sitrep_meta")  # as a store from before versions were kept
    assert stats(small_store)["documents"] == 1
    assert ingest(str(small_store.parent / "a.txt"), "--db", str(small_store)).exit_code == 0
    with sqlite3.connect(small_store) as conn:
        assert conn.execute("SELECT value FROM sitrep_meta").fetchone()[0] == "2"


def _as_other_user(cmd: list[str]) -> list[str]:
    """``cmd`` run as an unprivileged user when the tests run as root (root writes any file)."""
    if os.geteuid() != 0:
        return cmd
    assert shutil.which("setpriv"), "setpriv (util-linux) is needed to test as a non-root user"
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]


def _other_user_can_run_sitrep(env: dict[str, str]) -> bool:
    """Whether the unprivileged user reaches this interpreter and checkout (not under /root)."""
    probe = subprocess.run(_as_other_user([sys.executable, "-c", "import sitrep.cli"]),
                           capture_output=True, env=env, timeout=300)
    return probe.returncode == 0


def test_a_read_only_database_is_one_line_and_exit_2_and_still_readable(small_store, monkeypatch):
    import tempfile

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    if not _other_user_can_run_sitrep(env):
        # A checkout only root can reach: SQLite's own refusal, raised where a writer opens it.
        real = sqlite3.connect

        def refuse(target, *a, **kw):
            if "mode=ro" not in str(target):
                raise sqlite3.OperationalError("attempt to write a readonly database")
            return real(target, *a, **kw)

        monkeypatch.setattr(sqlite3, "connect", refuse)
        result = ingest(str(small_store.parent / "a.txt"), "--db", str(small_store))
        assert result.exit_code == 2
        said = result.output.strip().splitlines()
        assert len(said) == 1 and "readonly" in said[0] and str(small_store) in said[0]
        monkeypatch.undo()
        assert stats(small_store)["documents"] == 1
        return
    # A folder the unprivileged user can reach (pytest's own temporary folders are private).
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        db = here / "s.db"
        shutil.copy(small_store, db)
        (here / "b.txt").write_text(GOOD.replace("seven", "nine"), encoding="utf-8")
        before = db.read_bytes()
        os.chmod(db, 0o444)
        os.chmod(here, 0o755)
        run = subprocess.run(_as_other_user([sys.executable, "-m", "sitrep.cli", "ingest",
                                             str(here / "b.txt"), "--db", str(db), "-q"]),
                             capture_output=True, text=True, env=env, timeout=600)
        assert run.returncode == 2, run.stderr
        said = run.stderr.strip().splitlines()
        assert len(said) == 1 and said[0].startswith(f"{db}: cannot open"), run.stderr
        assert "readonly" in said[0], run.stderr
        assert db.read_bytes() == before
        look = subprocess.run(_as_other_user([sys.executable, "-m", "sitrep.cli", "stats", "--db",
                                              str(db)]),
                              capture_output=True, text=True, env=env, timeout=600)
        assert look.returncode == 0 and "documents" in look.stdout, look.stderr


@pytest.fixture
def pg_target():
    yield from fresh_database()


def _cut_connections(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(os.environ["SITREP_TEST_PG_URL"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


def test_a_server_gone_mid_ingest_is_one_line_and_the_same_command_resumes(tmp_path, pg_target):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    n = 60
    for i in range(n):
        (corpus / f"d{i:02}.txt").write_text(
            f"Gunmen killed {i + 3} villagers near the town of Kerbala-{i} on Monday, police said.\n",
            encoding="utf-8")
    cmd = [sys.executable, "-m", "sitrep.cli", "ingest", str(corpus), "--db", pg_target, "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while count_documents(pg_target) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    _cut_connections(pg_target)  # the server goes away under the running command
    _, stderr = proc.communicate(timeout=600)
    stored_before = count_documents(pg_target)
    assert proc.returncode == 2, stderr
    said = stderr.strip().splitlines()
    assert len(said) == 1 and "went away during ingest" in said[0] and "resume" in said[0], stderr
    assert 3 <= stored_before < n
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{n - stored_before} stored, {stored_before} unchanged" in again.stderr
    data = export_json(pg_target)
    assert len(data["documents"]) == n
    assert len({d["raw_sha256"] for d in data["documents"]}) == n


@pytest.mark.parametrize("content, reason", [(None, "cannot read"), ("[serve\nport = ", "not valid TOML")])
def test_a_missing_or_malformed_config_is_one_line_and_exit_2(tmp_path, content, reason):
    import subprocess
    import sys

    cfg = tmp_path / "sitrep.toml"
    if content is not None:
        cfg.write_text(content, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sitrep.cli", "stats", "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, env={**os.environ, "SITREP_CONFIG": str(cfg)})
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith(f"SITREP_CONFIG={cfg}: {reason}")
    assert len(proc.stderr.strip().splitlines()) == 1


# --- identity of a document -----------------------------------------------------------------

def test_a_metadata_change_updates_the_document_in_place(tmp_path, target):
    body = GOOD
    f = tmp_path / "items.jsonl"
    db = target
    line = {"text": body, "url": "https://example.org/a", "outlet": "Hama Herald", "published": "2025-03-03"}
    f.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert ingest(str(f), "--db", str(db)).exit_code == 0
    [before] = export_json(db)["documents"]
    f.write_text(json.dumps({**line, "outlet": "Orontes Post"}) + "\n", encoding="utf-8")
    result = ingest(str(f), "--db", str(db))
    assert result.exit_code == 0
    assert "updated " in result.output and "outlet 'Hama Herald' -> 'Orontes Post'" in result.output
    data = export_json(db)
    [after] = data["documents"]
    assert after["id"] == before["id"] and after["outlet"] == "Orontes Post"
    assert [(c["field"], c["old"], c["new"]) for c in after["metadata_changes"]] == [
        ("outlet", "Hama Herald", "Orontes Post")]
    assert {x["doc_id"] for x in data["figures"]} == {after["id"]}
    assert len(data["figures"]) == len({x["id"] for x in data["figures"]})
    # Saying it all again changes nothing.
    again = ingest(str(f), "--db", str(db))
    assert "0 stored, 1 unchanged" in again.output


def test_a_text_file_with_a_new_outlet_is_the_same_document_updated(tmp_path, target):
    f = tmp_path / "a.txt"
    f.write_text(GOOD, encoding="utf-8")
    db = target
    assert ingest(str(f), "--db", str(db), "--outlet", "Hama Herald").exit_code == 0
    result = ingest(str(f), "--db", str(db), "--outlet", "Orontes Post")
    assert "outlet 'Hama Herald' -> 'Orontes Post'" in result.output
    assert [d["outlet"] for d in export_json(db)["documents"]] == ["Orontes Post"]
    # No outlet given: nothing is said about it, so nothing changes.
    assert "0 stored, 1 unchanged" in ingest(str(f), "--db", str(db)).output
    assert stats(db)["documents"] == 1
