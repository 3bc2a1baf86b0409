"""`sitrep ingest --runner ray` stores exactly what the local runner stores.

Ray starts a private local cluster for the run (no dashboard, 127.0.0.1 only); the run is a
subprocess, as a user would start it, so the cluster never lives in the test process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sitrep.cli import app
from tests.corpus import DEMO

# Documents in the bundled corpus: a manifest line or a JSONL/feed item each.
DEMO_DOCS = 46


def sitrep(*args: str, timeout: int = 900, ray_address: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    if ray_address:
        env["RAY_ADDRESS"] = ray_address
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def export(db) -> dict:
    result = CliRunner().invoke(app, ["export", "--format", "json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    base = tmp_path_factory.mktemp("ray")
    local = CliRunner().invoke(app, ["ingest", str(DEMO), "--db", str(base / "local.db"), "-q"])
    assert local.exit_code == 0, local.output
    ray = sitrep("ingest", str(DEMO), "--runner", "ray", "--workers", "2", "--db",
                 str(base / "ray.db"), "-q")
    return {"base": base, "local": local, "ray": ray}


def test_ray_run_reports_like_a_local_run(both):
    assert both["ray"].returncode == 0, both["ray"].stderr
    assert "Traceback" not in both["ray"].stderr
    summary = both["ray"].stderr.strip().splitlines()[-1]
    assert summary.startswith(f"{DEMO_DOCS} stored, 0 unchanged, 0 problems"), both["ray"].stderr
    assert both["local"].stderr.strip().splitlines()[-1].startswith(f"{DEMO_DOCS} stored")


def test_ray_run_stores_the_same_record_as_a_local_run(both):
    local, ray = export(both["base"] / "local.db"), export(both["base"] / "ray.db")
    assert len(ray["documents"]) == DEMO_DOCS and len(ray["figures"]) >= 150
    assert ray == local


def test_ray_rerun_stores_nothing_new(both):
    again = sitrep("ingest", str(DEMO), "--runner", "ray", "--db", str(both["base"] / "ray.db"), "-q")
    assert again.returncode == 0, again.stderr
    assert f"0 stored, {DEMO_DOCS} unchanged, 0 problems" in again.stderr


def test_the_normal_cli_never_imports_ray(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\x00\x01\x02" * 100)
    code = ("import sys; from typer.testing import CliRunner; from sitrep.cli import app; "
            f"r = CliRunner().invoke(app, ['ingest', {str(tmp_path / 'x.bin')!r}, '--db', "
            f"{str(tmp_path / 's.db')!r}, '-q']); "
            "assert r.exit_code == 0, r.output; print(sorted(m for m in sys.modules if m == 'ray' "
            "or m.startswith('ray.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_cluster_address_where_nothing_listens_is_one_line(tmp_path):
    with socket.socket() as s:  # a free port on loopback, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "a.txt").write_text("Gunmen killed seven villagers near Hama on Monday.\n", encoding="utf-8")
    result = sitrep("ingest", str(tmp_path / "a.txt"), "--runner", "ray", "--db", str(tmp_path / "s.db"),
                    "-q", timeout=300, ray_address=f"127.0.0.1:{port}")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"cannot reach the Ray cluster at 127.0.0.1:{port}"), line
