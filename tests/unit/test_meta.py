"""Meta-tests: every registered stage has a doc line and a test; every CLI command has --help."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import sitrep.pipeline  # noqa: F401  (registers the built-in stages)
from sitrep.cli import app
from sitrep.config import CONFIG
from sitrep.registry import STAGES

TESTS = Path(__file__).resolve().parents[1]
# Where each stage is exercised by name; an entry here must point at a real test file.
STAGE_TESTS = {
    "clean": "unit/test_clean.py",
    "nlp": "e2e/test_seeds.py",
    "dates": "e2e/test_seeds.py",
    "entities": "e2e/test_seeds.py",
    "places": "e2e/test_seeds.py",
    "figures": "e2e/test_seeds.py",
    "quotes": "e2e/test_seeds.py",
    "sources": "unit/test_source_rank.py",
    "scope": "unit/test_scope.py",
}


def test_configured_stages_are_registered_and_documented():
    for name in CONFIG["pipeline"]["stages"]:
        assert name in STAGES, name
        assert STAGES[name].doc, f"stage {name} has no doc line"


@pytest.mark.parametrize("name", sorted(STAGES))
def test_every_stage_has_a_test(name):
    assert name in STAGE_TESTS, f"stage {name} has no test listed"
    assert (TESTS / STAGE_TESTS[name]).exists()


def test_every_cli_command_has_help():
    runner = CliRunner()
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"ingest", "export", "report", "serve", "demo", "stats"} <= set(commands)
    for command in commands:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage" in result.output


def test_stage_needs_are_set_by_earlier_stages():
    seen = {"raw", "clean", "posts", "repairs"}
    for name in CONFIG["pipeline"]["stages"]:
        stage = STAGES[name]
        assert set(stage.needs) <= seen | {"nlp"}, (name, stage.needs)
        seen |= set(stage.sets) | {"nlp"}


def test_a_stage_that_leaves_its_output_unset_is_an_error():
    from sitrep.records import RawDocument
    from sitrep.registry import run_stages, stage
    from sitrep.work import Work

    @stage("broken_for_test", sets=("figures",))
    def broken(work):  # noqa: ARG001 - sets nothing on purpose
        """A stage that forgets its output."""

    try:
        work = Work(raw=RawDocument("<t>", "text", "0" * 64, "text"))
        with pytest.raises(RuntimeError, match="left them unset"):
            run_stages(work, ["broken_for_test"])
    finally:
        STAGES.pop("broken_for_test")
