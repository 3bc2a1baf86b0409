"""Process documents on a Ray cluster, in the same order and with the same output as the local
runner.

The driver reads the input as it goes and stores the results; Ray actors (one spaCy model each,
loaded once) run the whole pipeline on chunks of documents. At most two chunks per actor are out
at once, so the driver's memory does not grow with the corpus. Documents travel pickled, so every
record arrives exactly as the local run builds it, and results are taken in input order, so the
store fills in the same order too.

Without ``RAY_ADDRESS`` a private local cluster starts on 127.0.0.1 with no dashboard and no usage
reporting, and stops when the run ends. With ``RAY_ADDRESS`` the run joins that cluster: every node
needs sitrep installed (the same version), the input files only on the driver's machine.

Imported only when ``--runner ray`` is asked for: ray is heavy and the normal CLI never needs it.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import socket
from collections import deque
from typing import Any, Iterable, Iterator

from .config import CONFIG
from .records import Problem, RawDocument, Result

CFG = CONFIG["ray"]
# Passed on to the workers of a remote cluster, which do not share the driver's environment:
# the config and every user data file (SITREP_ALIASES, SITREP_SCOPE_CUES, SITREP_CLEAN_LEXICON ...).
FORWARDED_PREFIX = "SITREP_"
NOT_FORWARDED = ("SITREP_DB", "SITREP_TOKEN", "SITREP_TEST_PG_URL")


class RayRunnerError(Exception):
    """Ray could not start or finish the run; the message is the one line the user sees."""


class _Process:
    """A Ray actor: loads spaCy once, then runs the whole pipeline on each chunk it is handed."""

    def __init__(self, batch_size: int):
        from . import pipeline, nlp

        self.batch_size = batch_size
        self.process = pipeline.process_documents
        nlp.load_nlp()

    def run(self, blobs: list[bytes]) -> list[bytes]:
        raws = [pickle.loads(b) for b in blobs]
        return [pickle.dumps(r) for r in self.process(raws, batch_size=self.batch_size)]


def _no_restarts() -> dict[str, Any]:
    # A lost actor fails the run with one line instead of being restarted; the store keeps every
    # document finished before it, so running the same command again resumes.
    return {"max_restarts": 0}


def _reachable(address: str) -> None:
    """Fail at once, in one line, when nothing listens at a ``host:port`` cluster address: Ray
    itself retries for minutes, printing a warning every few seconds."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in address:
        return  # "auto", a ray:// client address: left to Ray
    try:
        socket.create_connection((host, int(port)), timeout=CFG["connect_timeout"]).close()
    except OSError as exc:
        raise RayRunnerError(f"cannot reach the Ray cluster at {address} "
                             f"({exc.strerror or exc}); is `ray start --head` running there?") from None


def _start(workers: int) -> bool:
    """Connect to $RAY_ADDRESS or start a local cluster; True if this call started one."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # never phone home
    address = os.environ.get("RAY_ADDRESS")
    if address:
        _reachable(address)
    else:
        # Ray's switch for a single-machine cluster: every service binds to 127.0.0.1 instead of
        # the machine's network address (it is read when ray is imported).
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    import ray

    if ray.is_initialized():
        return False
    env = {"env_vars": {k: v for k, v in os.environ.items()
                        if k.startswith(FORWARDED_PREFIX) and k not in NOT_FORWARDED and v}}
    common: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False,
                                  logging_level="ERROR", configure_logging=True,
                                  runtime_env=env if env["env_vars"] else None)
    try:
        if address:
            ray.init(address=address, **common)
            return False
        ray.init(num_cpus=workers, object_store_memory=CFG["object_store_mb"] * 1024 * 1024,
                 **common)
    except Exception as exc:  # noqa: BLE001 - any failure to start is one line for the user
        if address:
            # Ray 2.60 clusters authenticate by token; a driver without it is refused.
            raise RayRunnerError(f"cannot join the Ray cluster at {address} ({type(exc).__name__}: "
                                 f"{exc}; with token authentication set RAY_AUTH_MODE=token and "
                                 f"RAY_AUTH_TOKEN)") from None
        raise RayRunnerError(f"cannot start a local Ray cluster ({type(exc).__name__}: {exc})") from None
    return True


def process_documents(raws: Iterable[RawDocument], workers: int = 1,
                      batch_size: int = 32) -> Iterator[Result | Problem]:
    """Like ``pipeline.process_documents``: one ``Result`` or ``Problem`` per document, in order.

    Streams: documents are read as the actors need them, in chunks of ``docs_per_block``, with at
    most two chunks per actor out at once, so the driver never holds the corpus."""
    it = iter(raws)
    first = next(it, None)
    if first is None:
        return
    started = _start(workers)
    import ray

    logging.getLogger("ray").setLevel(logging.ERROR)
    try:
        actor = ray.remote(num_cpus=1, **_no_restarts())(_Process)
        actors = [actor.remote(batch_size) for _ in range(workers)]
        pending: deque = deque()
        from .pipeline import chunks as in_chunks  # not at import: the CLI loads this module

        chunks = in_chunks(itertools.chain([first], it), CFG["docs_per_block"])
        for n, chunk in enumerate(chunks):
            pending.append(actors[n % workers].run.remote([pickle.dumps(r) for r in chunk]))
            del chunk
            while len(pending) >= 2 * workers:
                yield from (pickle.loads(b) for b in ray.get(pending.popleft()))
        while pending:
            yield from (pickle.loads(b) for b in ray.get(pending.popleft()))
    except RayRunnerError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise RayRunnerError(f"the Ray run failed ({type(exc).__name__}: {exc})") from None
    finally:
        if started:
            ray.shutdown()
