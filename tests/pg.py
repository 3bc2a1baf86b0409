"""A fresh PostgreSQL database per test, on the server named by $SITREP_TEST_PG_URL.

`.ci/start-postgres` starts one and prints its URL. Under CI=true a missing or unreachable server
is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    server = os.environ.get("SITREP_TEST_PG_URL")
    if not server:
        _unavailable("SITREP_TEST_PG_URL is not set (run `bash .ci/start-postgres`)")
    import psycopg

    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unavailable(f"PostgreSQL at {server} is not reachable: {exc}")
    name = "sitrep_test_" + uuid.uuid4().hex[:12]
    with admin:
        admin.execute(f"CREATE DATABASE {name}")
        parts = urlsplit(server)
        try:
            yield urlunsplit(parts._replace(path="/" + name))
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
