"""Output files written whole or not at all: a command killed mid-write, or one that fails, leaves
the previous output as it was. Each file is written to a temporary file beside it and renamed over
the old one only once it is complete (a rename within a folder is atomic)."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


class OutputError(Exception):
    """The output cannot be written; the message is the one line the user sees."""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


@contextmanager
def atomic_file(path: str, newline: str | None = None) -> Iterator[IO[str]]:
    """A text file handle whose content replaces ``path`` only when the block succeeds."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({_why(exc)})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({_why(exc)})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def atomic_dir(path: str) -> Iterator[str]:
    """A temporary folder beside ``path``; when the block succeeds each file written into it
    replaces its namesake in ``path`` (created if missing). Files already in ``path`` that the
    block did not write are left alone."""
    target = Path(path)
    try:
        target.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({_why(exc)})") from None
    try:
        yield tmp
        for name in sorted(os.listdir(tmp)):
            os.replace(os.path.join(tmp, name), target / name)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({_why(exc)})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
