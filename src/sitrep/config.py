"""All defaults in one commented file (defaults.toml), optionally overridden by $SITREP_CONFIG;
the packaged word lists (data/*.yaml), each extended by a user's file named by a variable."""

from __future__ import annotations

import copy
import os
import sys
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, NoReturn

import yaml


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


def _fail(line: str) -> NoReturn:
    print(line.replace("\n", " "), file=sys.stderr)
    raise SystemExit(2)


CONFIG = load_config()


# How a user's extension file joins a packaged data file (the table in the README's
# "Configuration"). An empty key adds nothing: an extension never removes a packaged word.
MERGES = {
    "append": "lists appended, repeats kept; maps merged key by key; other values replaced",
    "append_new": "as append, without the words the packaged list already has",
    "replace": "the user's keys added or replacing the packaged ones",
    "layers": "kept apart, packaged first: what reads them lets the user's entry win",
}


def load_data(name: str, env_var: str | None = None, merge: str = "append") -> Any:
    """``src/sitrep/data/<name>`` merged by the rule ``merge`` (see ``MERGES``) with the user's
    file named by ``$<env_var>``, read once per file and returned as a fresh copy. ``layers``
    gives the list [packaged, user's]. An unreadable extension, one that is not YAML, or one of
    another shape than the packaged file is one line on stderr naming it and exit status 2."""
    if merge not in MERGES:
        raise ValueError(f"unknown merge rule {merge!r}; known: {', '.join(MERGES)}")
    extra = os.environ.get(env_var) if env_var else None
    return copy.deepcopy(_data(name, env_var, extra or None, merge))


@lru_cache(maxsize=1)
def sources_roles() -> dict[str, Any]:
    """``data/sources_roles.yaml`` plus the user's ``$SITREP_SOURCES_ROLES`` file (its lists
    appended to the same keys without repeating a packaged word): the one reader of who speaks
    for whom, for extraction, linking and reconciliation alike. Read-only: do not mutate."""
    return load_data("sources_roles.yaml", "SITREP_SOURCES_ROLES", merge="append_new")


@lru_cache(maxsize=None)
def _data(name: str, env_var: str | None, extra: str | None, merge: str) -> Any:
    # libyaml's parser where PyYAML has it (the same values, a tenth of the time; every process
    # reads these files once, the one that relinks after an ingest too).
    data = yaml.load(resources.files("sitrep").joinpath("data", name).read_text("utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    more = _extension(env_var, extra, name, data) if extra else None
    if merge == "layers":
        return [data] if more is None else [data, more]
    if more is None:
        return data
    if merge == "replace":
        return {**data, **{k: v for k, v in more.items() if v is not None}}
    try:
        return _extended(data, more, merge == "append_new", "")
    except _Mismatch as exc:
        _fail(f"{env_var}={extra}: {exc} in data/{name}")


def _extension(env_var: str, path: str, name: str, packaged: Any) -> Any:
    """The user's file as YAML of the packaged file's shape (a map or a list), or None if empty."""
    try:
        with open(path, encoding="utf-8") as fh:
            more = yaml.safe_load(fh)
    except OSError as exc:
        _fail(f"{env_var}={path}: cannot read ({exc.strerror or exc})")
    except UnicodeDecodeError:
        _fail(f"{env_var}={path}: not UTF-8 text")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        _fail(f"{env_var}={path}: not valid YAML ({getattr(exc, 'problem', None) or exc}{where})")
    if more is not None and type(more) is not type(packaged):
        _fail(f"{env_var}={path}: a {_kind(more)} where data/{name} is a {_kind(packaged)}")
    return more


class _Mismatch(Exception):
    """A key of the user's file holds another kind of value than the packaged file's."""


def _extended(base: Any, more: Any, unique: bool, where: str) -> Any:
    """``base`` extended by ``more``: lists appended (without what ``base`` has if ``unique``),
    maps merged key by key, other values replaced. A list given for a map of word -> example
    adds its words to the map's."""
    if isinstance(base, list):
        return base + [x for x in more if not (unique and x in base)]
    out = dict(base)
    for key, value in more.items():
        old = out.get(key)
        if value is None:
            continue
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _extended(old, value, unique, f"{where}{key}.")
        elif isinstance(old, (list, dict)) and isinstance(value, list):
            out[key] = _extended(list(old), value, unique, where)
        elif old is None or not isinstance(old, (list, dict)) and not isinstance(value, (list, dict)):
            out[key] = value
        else:
            raise _Mismatch(f"{where}{key} is a {_kind(value)} where it is a {_kind(old)}")
    return out


def _kind(value: Any) -> str:
    return "map" if isinstance(value, dict) else "list" if isinstance(value, list) else "value"
