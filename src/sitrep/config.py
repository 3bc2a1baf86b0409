"""All defaults in one commented file (defaults.toml), optionally overridden by $SITREP_CONFIG."""

from __future__ import annotations

import os
import sys
import tomllib
from importlib import resources
from typing import Any


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config() -> dict[str, Any]:
    """The defaults, merged with ``$SITREP_CONFIG``. A missing or malformed override file is one
    line on stderr and exit status 2, never a traceback and never silently ignored."""
    cfg = tomllib.loads(resources.files("sitrep").joinpath("defaults.toml").read_text("utf-8"))
    override = os.environ.get("SITREP_CONFIG")
    if override:
        try:
            with open(override, "rb") as fh:
                cfg = _merge(cfg, tomllib.load(fh))
        except OSError as exc:
            _fail(f"SITREP_CONFIG={override}: cannot read ({exc.strerror or exc})")
        except tomllib.TOMLDecodeError as exc:
            _fail(f"SITREP_CONFIG={override}: not valid TOML ({exc})")
    return cfg


def _fail(line: str) -> None:
    print(line.replace("\n", " "), file=sys.stderr)
    raise SystemExit(2)


CONFIG = load_config()
