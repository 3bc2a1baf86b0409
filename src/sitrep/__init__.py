"""sitrep: turn crisis and conflict reporting into a sourced situation record."""

from __future__ import annotations

import glob
import os
from typing import Any

__version__ = "0.1.0"


def process(text_or_path: str, **metadata: Any):
    """Process one text, file or directory; returns a list of ``Result`` (one per document).

    ``metadata`` (url, outlet, title, published, language) applies to every document read.
    Problems with input are raised as ``ValueError`` with the file and the reason.
    """
    from .ingest import TextInput, read_paths
    from .pipeline import process_documents
    from .records import Problem

    looks_like_path = "\n" not in text_or_path and len(text_or_path) < 4096 and (
        os.path.exists(text_or_path) or (any(c in text_or_path for c in "*?[")
                                          and bool(glob.glob(text_or_path))))
    if looks_like_path:
        items = list(read_paths([text_or_path], **metadata))
        problems = [p for p in items if isinstance(p, Problem)]
        raws = [r for r in items if not isinstance(r, Problem)]
        if problems and not raws:
            raise ValueError("; ".join(p.line() for p in problems))
    else:
        raws = [TextInput(text_or_path, metadata).to_raw()]
    out = []
    for item in process_documents(raws):
        if isinstance(item, Problem):
            raise ValueError(item.line())
        out.append(item)
    return out


__all__ = ["process", "__version__"]
