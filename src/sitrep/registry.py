"""Stages declared by name, with what each needs and what it sets.

Built-in stages register through the same decorator a user's plugin would use::

    @stage("my_stage", needs=("figures",), sets=("figures",))
    def my_stage(work: Work) -> None: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .work import Work

StageFn = Callable[[Work], None]


@dataclass(frozen=True)
class Stage:
    name: str
    fn: StageFn
    needs: tuple[str, ...]
    sets: tuple[str, ...]
    version: str
    doc: str


STAGES: dict[str, Stage] = {}


def stage(name: str, *, needs: tuple[str, ...] = (), sets: tuple[str, ...] = (),
          version: str = "1") -> Callable[[StageFn], StageFn]:
    def register(fn: StageFn) -> StageFn:
        doc = (fn.__doc__ or "").strip().splitlines()
        STAGES[name] = Stage(name, fn, needs, sets, version, doc[0] if doc else "")
        return fn

    return register


def run_stages(work: Work, names: list[str]) -> None:
    for name in names:
        if name not in STAGES:
            raise KeyError(f"unknown stage {name!r}; registered: {', '.join(sorted(STAGES))}")
        st = STAGES[name]
        missing = [n for n in st.needs if not work.has(n)]
        if missing:
            raise RuntimeError(f"stage {name!r} needs {missing} which no earlier stage set")
        st.fn(work)
        unset = [n for n in st.sets if not work.has(n)]
        if unset:
            raise RuntimeError(f"stage {name!r} declares it sets {unset} but left them unset")
        work.done.append(f"{name}@{st.version}")
