"""All defaults in one commented file (defaults.toml), optionally overridden by $SITREP_CONFIG."""

from __future__ import annotations

import os
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
    cfg = tomllib.loads(resources.files("sitrep").joinpath("defaults.toml").read_text("utf-8"))
    override = os.environ.get("SITREP_CONFIG")
    if override:
        with open(override, "rb") as fh:
            cfg = _merge(cfg, tomllib.load(fh))
    return cfg


CONFIG = load_config()
