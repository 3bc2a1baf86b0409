"""spaCy loading (once per process) with an EntityRuler built from the alias dictionary."""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

from spacy.language import Language

from .config import CONFIG, load_data
from .registry import stage
from .work import Work

# Dictionary type -> spaCy label, so the ruler fixes labels the statistical model gets wrong.
TYPE_LABEL = {"person": "PERSON", "organization": "ORG", "armed_group": "ORG", "government": "ORG",
              "group": "NORP", "media": "ORG"}


def doc_text(doc) -> str:
    """``doc.text``, built once per document: spaCy joins it from every token at each call (a
    Python object per token), which cost more than the whole parse when rules read it per verb or
    per entity."""
    text = doc.user_data.get("sitrep_text")
    if text is None:
        text = doc.user_data["sitrep_text"] = doc.text
    return text


@lru_cache(maxsize=1)
def alias_entries() -> list[dict[str, Any]]:
    return load_data("aliases.yaml", "SITREP_ALIASES", merge="append")


@lru_cache(maxsize=1)
def place_supplement() -> list[dict[str, Any]]:
    return load_data("places_supplement.yaml")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc):
    """A paragraph break always starts a sentence: scraped paragraphs often lack a final period.
    The token after a line break starts one. A line break is always its own whitespace token (a
    token's own trailing whitespace is one space at most), so only whitespace tokens are read.
    Within a line, a comma or semicolon never starts a sentence, nor does a lower-case word after
    a word ("…, officials said." stays with the clause it reports; the parser alone cut there),
    nor a word after a number ("… in the north. 28 Benin soldiers were killed": the parser made
    "28" a sentence of its own)."""
    from spacy.attrs import IS_ALPHA, IS_DIGIT, IS_LOWER, IS_PUNCT, IS_SPACE, ORTH, SENT_START

    if len(doc) < 2:
        return doc
    arr = doc.to_array([IS_SPACE, ORTH, IS_LOWER, IS_ALPHA, IS_PUNCT, IS_DIGIT])
    strings = doc.vocab.strings
    starts = [i + 1 for i in arr[:-1, 0].nonzero()[0].tolist()
              if strings[int(arr[i, 1])].startswith("\n")]
    comma, semicolon = strings[","], strings[";"]
    prev_word = (arr[:-1, 0] == 0)
    joins = prev_word & ((arr[1:, 1] == comma) | (arr[1:, 1] == semicolon)
                         | ((arr[1:, 2] == 1) & (arr[1:, 3] == 1) & (arr[:-1, 4] == 0))
                         | ((arr[:-1, 5] == 1) & (arr[1:, 3] == 1)))
    inside = (joins.nonzero()[0] + 1).tolist()
    if not starts and not inside:
        return doc
    # What ``token.is_sent_start = True / False`` sets, written as one array: spaCy's setter
    # scans the whole document for a parse each time it is called.
    if doc.has_annotation("DEP"):
        raise ValueError("paragraph_breaks must run before the parser")
    sent = doc.to_array([SENT_START]).astype("int64")
    sent[starts] = 1
    sent[inside] = -1
    doc.from_array([SENT_START], sent.astype("uint64"))
    return doc


class FastAttributes:
    """The model's own attribute ruler (tag -> part of speech, morphology, some lemmas), applied
    with the same rules and the same precedence, without its token Matcher: its patterns only test
    a token's tag, lower-case form, dependency and whether it is a space, so what one token gets is
    looked up once per distinct (tag, lower, dep, is_space) and cached. The few two-token patterns
    ("gon na", "let 's") are checked only where their first token matches. Every token ends up with
    exactly the attributes the ruler gives it (tests/unit/test_nlp_speed.py compares them)."""

    _KEYS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}

    def __init__(self, ruler):
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._lower_named: set[str] = set()
        self._lower_regex: list[re.Pattern] = []
        self._lower_not_in = False
        self.attrs = list(ruler.attrs)  # normalised (attribute id -> value), by rule number
        self.single: list[tuple[int, dict]] = []  # (rule number, first-token test)
        self.multi: list[tuple[int, list[dict], int]] = []  # (rule number, token tests, index)
        for number, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                tests = [self._test(tok) for tok in pattern]
                if len(tests) == 1:
                    self.single.append((number, tests[0]))
                else:
                    self.multi.append((number, tests, ruler.indices[number]))
        self._cache: dict[tuple, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        # (tag, lower, dep) string ids read as one array -> their strings, the form as its key.
        self._names: dict[tuple[int, int, int], tuple[str, str, str]] = {}
        # A lower-case form no rule names (nor matches) acts like any other such form, so the
        # cache keys on a placeholder instead: a few hundred keys, not one per word.
        self._lower: dict[str, str] = {}
        if self._lower_not_in or any(r.search(self._OTHER) for r in self._lower_regex):
            self._OTHER = None  # pragma: no cover - no such rule in the shipped models

    _OTHER = "\x00"

    def _lower_key(self, lower: str) -> str:
        key = self._lower.get(lower)
        if key is None:
            named = lower in self._lower_named or any(r.search(lower) for r in self._lower_regex)
            key = lower if named or self._OTHER is None else self._OTHER
            if len(self._lower) < 500_000:
                self._lower[lower] = key
        return key

    def _test(self, token_pattern: dict):
        checks = []
        for key, want in token_pattern.items():
            if key not in self._KEYS:
                raise ValueError(f"attribute ruler pattern key {key!r} is not supported")
            i = self._KEYS[key]
            if key == "LOWER":
                if isinstance(want, str):
                    self._lower_named.add(want)
                else:
                    (op, value), = want.items()
                    if op == "IN":
                        self._lower_named.update(value)
                    elif op == "REGEX":
                        self._lower_regex.append(re.compile(value))
                    else:
                        self._lower_not_in = True
            if isinstance(want, dict):
                (op, value), = want.items()
                if op == "IN":
                    checks.append(lambda f, i=i, v=frozenset(value): f[i] in v)
                elif op == "NOT_IN":
                    checks.append(lambda f, i=i, v=frozenset(value): f[i] not in v)
                elif op == "REGEX":
                    checks.append(lambda f, i=i, r=re.compile(value): r.search(f[i]) is not None)
                else:
                    raise ValueError(f"attribute ruler operator {op!r} is not supported")
            else:
                checks.append(lambda f, i=i, v=want: f[i] == v)
        return lambda f: all(c(f) for c in checks)

    def _rules(self, f: tuple) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(single-token rules that apply, multi-token rules whose first token matches)."""
        hit = self._cache.get(f)
        if hit is None:
            hit = (tuple(n for n, test in self.single if test(f)),
                   tuple(k for k, (_, tests, _) in enumerate(self.multi) if tests[0](f)))
            if len(self._cache) < 200_000:
                self._cache[f] = hit
        return hit

    def __call__(self, doc):
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        lk, names = self._lower_key, self._names
        strings = doc.vocab.strings
        feats = []
        for tag, lower, dep, space in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist():
            key = (tag, lower, dep)
            f = names.get(key)
            if f is None:
                f = names[key] = (strings[tag], lk(strings[lower]), strings[dep])
                if len(names) > 500_000:
                    names.clear()
            feats.append((*f, bool(space)))
        todo: list[list[int]] = [[] for _ in feats]
        for i, f in enumerate(feats):
            single, multi = self._rules(f)
            if single:
                todo[i].extend(single)
            for k in multi:
                number, tests, index = self.multi[k]
                end = i + len(tests)
                if end <= len(feats) and all(t(feats[j]) for t, j in zip(tests[1:], range(i + 1, end))):
                    todo[i + index].append(number)
        # All rules were matched on the tokens as they came in; now set, later rules winning.
        for tok, numbers in zip(doc, todo):
            for n in sorted(numbers) if len(numbers) > 1 else numbers:
                self._set(tok, self.attrs[n])
        return doc


@Language.factory("fast_attributes")
def make_fast_attributes(nlp, name):
    """Built from the pipeline's own ``attribute_ruler``, which it then replaces (see load_nlp)."""
    return FastAttributes(nlp.get_pipe("attribute_ruler"))


class FastLemmas:
    """The model's own rule lemmatizer, with the per-token work moved out of Python objects: a
    token's lemma depends only on its form, part of speech and morphology (the lemmatizer's own
    cache key), so the three are read as one array, each distinct triple is lemmatised once by
    the model's lemmatizer, and the lemmas are written back as one array. Tokens that already
    have a lemma (set by the attribute rules) keep it, as with the lemmatizer."""

    def __init__(self, lemmatizer):
        if lemmatizer.overwrite:  # pragma: no cover - the shipped models do not overwrite
            raise ValueError("fast_lemmas replaces only a lemmatizer that keeps existing lemmas")
        self.lemmatizer = lemmatizer
        self._cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        arr = doc.to_array([LEMMA, ORTH, POS, MORPH])
        cache, strings, changed = self._cache, doc.vocab.strings, False
        for i, (lemma, orth, pos, morph) in enumerate(arr.tolist()):
            if lemma:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                if len(cache) < 500_000:
                    cache[key] = value
            arr[i, 0] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], arr[:, :1])
        return doc


@Language.factory("fast_lemmas")
def make_fast_lemmas(nlp, name):
    """Built from the pipeline's own ``lemmatizer``, which it then replaces (see load_nlp)."""
    return FastLemmas(nlp.get_pipe("lemmatizer"))


class FastParse:
    """The model's own parser or named-entity recogniser, stepped from Python with the GIL held.

    spaCy's greedy decoder releases the GIL for its loop over transitions, but every move-validity
    check inside that loop takes the GIL back for a moment (a Cython error check on each token
    lookup): the NER checks 74 moves per token, so most of its time went to locking. Here the same
    model scores each step (``ParserStepModel.predict``, the code spaCy's beam search uses) and
    spaCy's own ``transition_states`` picks and applies the best valid move, with the GIL already
    held; ``set_annotations`` writes the result. Same weights, same arithmetic, same moves: every
    token gets the parse and the entities spaCy's component gives it (tests/unit/test_nlp_speed.py).

    Documents are decoded in the same length-sorted groups spaCy uses, but a whole batch at a time
    instead of quarter batches: the steps are then shared by more documents. A document's scores do
    not depend on the others in its group (every row of the model's matrices is computed alone;
    the one batch-wide value, the score given to classes the model never saw in training, is not
    used by the shipped models, which have no such class; a model with one is decoded in spaCy's
    own groups)."""

    def __init__(self, component):
        from thinc.api import set_dropout_rate

        self.component = component
        set_dropout_rate(component.model, 0.0)
        self._unseen = bool(component.model.attrs.get("unseen_classes"))
        self._ner = NerSteps(component) if component.moves.__class__.__name__ == "BiluoPushDown" else None

    def _decode(self, docs: list) -> None:
        comp = self.component
        if len(docs) < 4:
            # Stepping from Python pays only when many documents share each step: for one
            # document (a long one above all) spaCy's own loop is faster, with the same result.
            comp.set_annotations(docs, comp.predict(docs))
            return
        states = comp.moves.init_batch(docs)
        if any(len(doc) for doc in docs):
            comp._ensure_labels_are_added(docs)
            model = comp.model.predict(docs)
            if self._ner is not None and self._step_ok(model):
                self._ner.decode(docs, self._step(model, ids=False))
                model.clear_memory()
                return
            step = self._step(model)
            todo = [s for s in states if not s.is_final()]
            while todo:
                todo = comp.transition_states(todo, step(todo))
            model.clear_memory()
        comp.set_annotations(docs, states)

    def _step_ok(self, model) -> bool:
        upper = getattr(model, "vec2scores", None)
        return upper is not None and upper.name == "linear" and not self._unseen

    def _step(self, model, ids: bool = True):
        """The scores of each state's moves: ``model.predict(states)`` (spaCy's step_forward)
        without its layers of model calls, when the model is the shipped kind (a linear output
        layer, no unseen classes, so step_forward's unseen-class fill selects nothing). With
        ``ids=False`` the step takes the states' feature token ids instead of the states."""
        if not self._step_ok(model):
            return model.predict
        upper = model.vec2scores
        ops, W, b = upper.ops, upper.get_param("W"), upper.get_param("b")
        token_ids, hidden = model.get_token_ids if ids else None, model.state2vec.predict

        def step(states):
            scores = ops.gemm(hidden(token_ids(states) if ids else states), W, trans2=True)
            scores += b
            return scores

        return step

    def __call__(self, doc):
        self._decode([doc])
        return doc

    def pipe(self, docs, *, batch_size: int = 256):
        from spacy.util import minibatch

        group = max(batch_size // 4, 2) if self._unseen else batch_size
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            for part in minibatch(sorted(batch, key=len), size=group):
                self._decode(list(part))
            yield from batch


class NerSteps:
    """The recogniser's moves (BILUO) for a whole group of documents at once, as arrays: spaCy's
    ``transition_states`` checks every one of the 74 moves of every document with one C call each
    (and a GIL check inside each); here each rule of spaCy's ``ner.pyx`` (``is_valid`` and
    ``transition`` of Begin, In, Last, Unit, Out) is one array operation over all documents and
    moves. The state features (spaCy's ``set_context_tokens`` for three tokens: the next token,
    the first token of the open entity, the token before the next), the scores (the model's own
    step) and the choice (the first best valid move) are spaCy's; the entities are written as
    spaCy's ``BiluoPushDown.set_annotations`` writes them."""

    MISSING, BEGIN, IN, LAST, UNIT, OUT = range(6)

    def __init__(self, component):
        import numpy

        self.np = numpy
        self.component = component
        self._classes = None

    def _moves(self, strings):
        """(move kind, label hash) of every class, in class order."""
        if self._classes is None:
            names = "MBILUO"
            moves = self.component.moves
            kinds, labels = [], []
            for i in range(moves.n_moves):
                name = moves.get_class_name(i)
                kind, _, label = name.partition("-")
                kinds.append(names.index(kind))
                labels.append(strings[label] if label else 0)
            self._classes = (self.np.array(kinds), self.np.array(labels, dtype="uint64"))
        return self._classes

    def decode(self, docs: list, step) -> None:
        from spacy.attrs import ENT_IOB, ENT_TYPE, IS_SPACE, SENT_START

        np = self.np
        kind, label = self._moves(docs[0].vocab.strings)
        lengths = np.array([len(d) for d in docs], dtype="int64")
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype("int64")
        # Every document's tokens end to end (the model's token order), then one row of zeros:
        # the token after a document's last reads as spaCy's empty token (no entity, no sentence
        # start, not a space).
        arr = np.concatenate([d.to_array([ENT_IOB, ENT_TYPE, SENT_START, IS_SPACE])
                              for d in docs if len(d)] + [np.zeros((1, 4), dtype="uint64")])
        etype = arr[:, 1].astype("uint64")
        iob, sent = arr[:, 0].astype("int64"), arr[:, 2].astype("int64")
        space = arr[:, 3] != 0
        end = len(iob) - 1
        active = np.flatnonzero(lengths > 0)
        pos = np.zeros(len(docs), dtype="int64")  # the next token (B(0)), per document
        open_start = np.full(len(docs), -1, dtype="int64")  # first token of the open entity
        open_label = np.zeros(len(docs), dtype="uint64")
        ents: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        is_b, is_i, is_l = kind == self.BEGIN, kind == self.IN, kind == self.LAST
        is_u, is_o = kind == self.UNIT, kind == self.OUT
        nolabel = label == 0
        while len(active):
            p, n, off = pos[active], lengths[active], offsets[active]
            start, lab = open_start[active], open_label[active]
            is_open = start >= 0
            ids = np.empty((len(active), 3), dtype="int32")
            ids[:, 0] = p + off
            ids[:, 1] = np.where(is_open, start + off, -1)
            ids[:, 2] = np.where(is_open, p - 1 + off, -1)
            scores = step(ids)
            g0 = p + off
            has1 = p + 1 < n
            g1 = np.where(has1, g0 + 1, end)
            iob0, type0, iob1, type1 = iob[g0], etype[g0], iob[g1], etype[g1]
            ss1, sp0 = sent[g1], space[g0]
            room = (n - p) >= 2
            L = label[None, :]
            same0 = L == type0[:, None]
            c = lambda v: v[:, None]  # noqa: E731 - a column per document
            begin = (c(~is_open & room & (iob0 != 1))
                     & np.where(c(iob0 == 3), same0 & c(iob1 == 1),
                                c((iob1 != 3) & (ss1 != 1) & ~sp0)) & ~nolabel)
            inside = (c(is_open & room & (iob0 != 3) & (iob1 != 3)) & ~nolabel
                      & (L == c(lab))
                      & np.where(c(iob0 == 1), c((iob1 != 0) & (iob1 != 2)) & same0,
                                 c(~(has1 & (ss1 == 1)))))
            last = (c(is_open) & ~nolabel
                    & np.where(c((iob0 == 1) & (iob1 != 1)), same0,
                               (L == c(lab)) & c(iob1 != 1)))
            unit = np.where(nolabel, c((type0 == 0) & (iob0 == 3)),
                            c(~is_open & (iob1 != 1))
                            & np.where(c(iob0 == 3), same0, c(~sp0)))
            out = c(~is_open & (iob0 != 3) & (iob0 != 1))
            valid = ((is_b & begin) | (is_i & inside) | (is_l & last) | (is_u & unit)
                     | (is_o & out))
            best = np.where(valid, scores, -np.inf).argmax(axis=1)
            none = ~valid.any(axis=1)
            k = kind[best]
            opened = (k == self.BEGIN) & ~none
            unit_ = (k == self.UNIT) & ~none
            closed = (k == self.LAST) & ~none
            for row in np.flatnonzero(unit_ | closed):
                d = active[row]
                a = int(p[row]) if unit_[row] else int(open_start[d])
                ents[d].append((a, int(p[row]) + 1, int(label[best[row]])))
            open_start[active[opened]] = p[opened]
            open_label[active[opened]] = label[best[opened]]
            open_start[active[closed]] = -1
            # No valid move (spaCy's force_final): the document ends, an open entity is dropped.
            pos[active] = np.where(none, n, p + 1)
            active = active[pos[active] < n]
        self._annotate(docs, ents)

    @staticmethod
    def _annotate(docs: list, ents: list) -> None:
        """spaCy's ``BiluoPushDown.set_annotations``: the entities found, each with the knowledge
        base id of its first token, set with the other tokens unmodified; then every token still
        without a tag is outside any entity."""
        from spacy.attrs import ENT_IOB
        from spacy.tokens import Span

        for doc, found in zip(docs, ents):
            spans = [Span(doc, a, b, label=lab, kb_id=doc[a].ent_kb_id) for a, b, lab in found]
            doc.set_ents(spans, default="unmodified")
            missing = [doc[i:i + 1] for i in (doc.to_array(ENT_IOB) == 0).nonzero()[0].tolist()]
            if missing:
                doc.set_ents([], outside=missing, default="unmodified")


@Language.factory("fast_parser")
def make_fast_parser(nlp, name):
    """Built from the pipeline's own ``parser``, which it then replaces (see load_nlp)."""
    return FastParse(nlp.get_pipe("parser"))


@Language.factory("fast_ner")
def make_fast_ner(nlp, name):
    """Built from the pipeline's own ``ner``, which it then replaces (see load_nlp)."""
    return FastParse(nlp.get_pipe("ner"))


def _blas_ops():
    """thinc's CPU ops with their matrix product done by numpy's BLAS (OpenBLAS, built for this
    CPU's vector units) instead of the portable BLIS kernels thinc ships: the same products of the
    same float32 matrices, about twice as fast for the convolution layers of the tagger's and
    the recogniser's token encoders, which are most of spaCy's time. The arithmetic is a matrix
    product either way; the order of its additions is the library's, so a score can differ in
    its last bits (on the bench corpus no tag, arc or entity did: tests/unit/test_nlp_speed.py)."""
    import numpy
    from thinc.api import NumpyOps

    class BlasOps(NumpyOps):
        def gemm(self, x, y, out=None, trans1=False, trans2=False):
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return numpy.matmul(a, b)
            numpy.matmul(a, b, out=out)
            return out

    return BlasOps()


def _one_blas_thread() -> None:
    """One BLAS thread per process: the parallel runner gives each core a worker of its own, and
    a single process measured against spaCy uses the one core spaCy does."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _use_blas(nlp) -> None:
    """Every thinc layer of the pipeline's components computes with ``_blas_ops`` (the parser's
    and recogniser's models are reached through the fast decoders that wrap them)."""
    ops = _blas_ops()
    _one_blas_thread()
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None) or getattr(getattr(proc, "component", None), "model", None)
        if model is None:
            continue
        for node in model.walk():
            node.ops = ops


@lru_cache(maxsize=1)
def load_nlp():
    model = importlib.import_module(CONFIG["pipeline"]["spacy_model"])
    nlp = model.load()
    nlp.add_pipe("paragraph_breaks", before="parser")
    if CONFIG["pipeline"]["fast_attributes"] and "attribute_ruler" in nlp.pipe_names:
        nlp.add_pipe("fast_attributes", before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    if CONFIG["pipeline"]["fast_lemmas"] and "lemmatizer" in nlp.pipe_names:
        nlp.add_pipe("fast_lemmas", before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True,
                                                               "phrase_matcher_attr": "ORTH"})
    if CONFIG["pipeline"]["fast_parse"]:
        for own, fast in (("parser", "fast_parser"), ("ner", "fast_ner")):
            if own in nlp.pipe_names:
                nlp.add_pipe(fast, before=own)
                nlp.remove_pipe(own)
    patterns = []
    for e in alias_entries():
        label = TYPE_LABEL.get(e.get("type", "organization"), "ORG")
        for form in [e["name"], *e.get("aliases", [])]:
            # Lower-case generic forms ("the monitor") are resolved by the attribution logic,
            # never forced as entities; longer ones ("the health ministry in Gaza") name one body.
            if form[:1].islower() and not form.startswith("al-") and len(form.split()) < 3:
                continue
            patterns.append({"label": label, "pattern": form, "id": e["name"]})
    for p in place_supplement():
        for form in [p["name"], *p.get("aliases", [])]:
            patterns.append({"label": "GPE", "pattern": form, "id": p["name"]})
    ruler.add_patterns(patterns)
    if CONFIG["pipeline"].get("blas_matmul", True):
        _use_blas(nlp)
    return nlp


def nlp_text(work: Work) -> str:
    """The text spaCy parses: cut at ``max_nlp_chars``, the cut recorded as unresolved."""
    limit = CONFIG["pipeline"]["max_nlp_chars"]
    if len(work.text) > limit:
        work.unresolved.append(f"text cut to {limit} characters before NLP")
    return work.text[:limit]


@stage("nlp", needs=("clean",), sets=("spacy_doc",))
def nlp_stage(work: Work) -> None:
    """Tokenise, tag, parse and recognise entities with spaCy."""
    work.spacy_doc = load_nlp()(nlp_text(work))
