"""Process documents on a Ray cluster with Ray Data, in the same order and with the same output
as the local runner.

The driver reads the input and stores the results; Ray actors (one spaCy model each) run the
stages. Documents travel pickled, so every record arrives exactly as the local run builds it, and
the dataset keeps its order, so the store fills in the same order too.

Without ``RAY_ADDRESS`` a private local cluster starts on 127.0.0.1 with no dashboard and no usage
reporting, and stops when the run ends. With ``RAY_ADDRESS`` the run joins that cluster: every node
needs sitrep installed (the same version), the input files only on the driver's machine.

Imported only when ``--runner ray`` is asked for: ray is heavy and the normal CLI never needs it.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import warnings
from typing import Any, Iterator

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
    """A Ray actor: loads spaCy once, then runs the pipeline on each batch it is handed."""

    def __init__(self, batch_size: int):
        from . import pipeline, nlp

        self.batch_size = batch_size
        self.process = pipeline.process_documents
        nlp.load_nlp()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        raws = [pickle.loads(b) for b in batch["raw"]]
        out = [pickle.dumps(r) for r in self.process(raws, batch_size=self.batch_size)]
        return {"i": batch["i"], "result": np.array(out, dtype=object)}


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


def process_documents(raws: list[RawDocument], workers: int = 1,
                      batch_size: int = 32) -> Iterator[Result | Problem]:
    """Like ``pipeline.process_documents``: one ``Result`` or ``Problem`` per document, in order."""
    if not raws:
        return
    started = _start(workers)
    import ray
    import ray.data

    # Ray's progress and info lines are not for the user: failures reach us as exceptions.
    logging.getLogger("ray").setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        items = [{"i": i, "raw": pickle.dumps(r)} for i, r in enumerate(raws)]
        blocks = max(workers, -(-len(items) // CFG["docs_per_block"]))
        ds = ray.data.from_items(items, override_num_blocks=blocks)
        del items
        with warnings.catch_warnings():
            # Actor options have no named parameter in this Ray version, only this (deprecated) one.
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = ds.map_batches(_Process, fn_constructor_kwargs={"batch_size": batch_size},
                                batch_size=batch_size, batch_format="numpy", num_cpus=1,
                                compute=ray.data.ActorPoolStrategy(size=workers),
                                ray_remote_args_fn=_no_restarts)
        expected = 0
        for row in ds.iter_rows():
            if row["i"] != expected:  # pragma: no cover - guards the order the store relies on
                raise RayRunnerError(f"results out of order ({row['i']} for {expected})")
            expected += 1
            yield pickle.loads(row["result"])
    except RayRunnerError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise RayRunnerError(f"the Ray run failed ({type(exc).__name__}: {exc})") from None
    finally:
        if started:
            ray.shutdown()
