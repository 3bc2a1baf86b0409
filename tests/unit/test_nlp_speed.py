"""sitrep's lookup versions of the model's attribute ruler and lemmatizer, its stepping of the
model's parser and named-entity recogniser, and its BLAS matrix products give every token exactly
what spaCy's own components give it: the later stages read the same parts of speech, morphology,
lemmas, parse and entities, only sooner."""

from __future__ import annotations

import pytest

from sitrep import nlp as snlp
from sitrep.config import CONFIG

# Our own sentences, chosen to reach the rules the lookup has to get right: the tag rules, the
# lower-case exceptions ("not", "'s", "have"), the dependency rules (I / you / it as subject and
# object, auxiliaries, "that" as a pronoun), the two-token rules ("gon na", "let's", "ain't",
# "y'all", "there were") and the whitespace rules.
TEXTS = [
    "The district health office said on Tuesday that 14 people were killed and 30 wounded.",
    "\"We are gon na rebuild the clinic,\" the mayor told reporters. \"Let's not wait.\"",
    "I saw it. It hit the school, and they ain't telling you the truth, y'all know that.",
    "There were at least nine bodies in the market, residents said; there is no water.\n\nHe "
    "didn't say whether the convoy had been shelled, but did confirm it was delayed.",
    "  Officials   have   said   nothing  .  That is what they do, whilst villagers  wait.",
    "Fighters of the Northern Front were seen leaving Korvan, which they'd held since May.",
]


def _signature(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_,
             t.ent_iob_, t.ent_id_, t.ent_kb_id_, t.is_sent_start) for t in doc]


@pytest.fixture(scope="module")
def both_pipelines():
    fast = snlp.load_nlp()
    snlp.load_nlp.cache_clear()
    saved = dict(CONFIG["pipeline"])
    for key in ("fast_attributes", "fast_lemmas", "fast_parse", "blas_matmul"):
        CONFIG["pipeline"][key] = False
    try:
        slow = snlp.load_nlp()
    finally:
        CONFIG["pipeline"].clear()
        CONFIG["pipeline"].update(saved)
        snlp.load_nlp.cache_clear()
    return fast, slow


def test_the_lookups_replace_spacys_components(both_pipelines):
    fast, slow = both_pipelines
    assert "fast_attributes" in fast.pipe_names and "attribute_ruler" not in fast.pipe_names
    assert "fast_lemmas" in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    assert "attribute_ruler" in slow.pipe_names and "lemmatizer" in slow.pipe_names
    assert "fast_parser" in fast.pipe_names and "parser" not in fast.pipe_names
    assert "fast_ner" in fast.pipe_names and "ner" not in fast.pipe_names
    assert "parser" in slow.pipe_names and "ner" in slow.pipe_names


@pytest.mark.parametrize("text", TEXTS)
def test_every_token_gets_what_spacys_components_give_it(both_pipelines, text):
    fast, slow = both_pipelines
    assert _signature(fast(text)) == _signature(slow(text))


def test_the_two_token_rules_are_applied(both_pipelines):
    fast, _ = both_pipelines
    doc = fast("They are gon na leave. Let's go.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to"
    assert [t.lemma_ for t in doc if t.text == "'s"] == ["us"]


def test_a_second_pass_over_the_same_text_gives_the_same_tokens(both_pipelines):
    """The lookups cache per form: a cached answer is the answer."""
    fast, _ = both_pipelines
    assert [_signature(d) for d in fast.pipe(TEXTS)] == [_signature(d) for d in fast.pipe(TEXTS)]


def test_a_batch_gets_what_spacys_components_give_each_document(both_pipelines):
    """Documents decoded together (length-sorted groups of a whole batch, not spaCy's quarter
    batches) each get the parse and entities they get alone in spaCy's own pipeline."""
    fast, slow = both_pipelines
    texts = TEXTS + ["", "Kyiv.", " ".join(TEXTS)]
    expected = [_signature(slow(t)) for t in texts]
    for size in (1, 3, 32):
        assert [_signature(d) for d in fast.pipe(texts, batch_size=size)] == expected


def test_the_steps_keep_the_entities_the_alias_ruler_set(both_pipelines):
    """Preset entities (the alias ruler's) constrain the stepped recogniser as they do spaCy's."""
    fast, slow = both_pipelines
    text = "The Syrian Observatory for Human Rights said 12 people died in Latakia on Friday."
    got = [(e.text, e.label_, e.ent_id_) for e in fast(text).ents]
    assert got == [(e.text, e.label_, e.ent_id_) for e in slow(text).ents]
    assert any(e.ent_id_ for e in fast(text).ents)


def _breaks_token_by_token(doc):
    """``paragraph_breaks`` as it was written before: spaCy's setter on each token."""
    from spacy.attrs import IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, ORTH

    arr = doc.to_array([IS_SPACE, ORTH, IS_LOWER, IS_ALPHA, IS_PUNCT])
    strings = doc.vocab.strings
    for i in arr[:-1, 0].nonzero()[0].tolist():
        if strings[int(arr[i, 1])].startswith("\n"):
            doc[i + 1].is_sent_start = True
    joins = (arr[:-1, 0] == 0) & ((arr[1:, 1] == strings[","]) | (arr[1:, 1] == strings[";"])
                                  | ((arr[1:, 2] == 1) & (arr[1:, 3] == 1) & (arr[:-1, 4] == 0)))
    for i in joins.nonzero()[0].tolist():
        doc[i + 1].is_sent_start = False
    return doc


@pytest.mark.parametrize("text", TEXTS + ["x", "One\ntwo, three\n\nfour; five six.\n"])
def test_paragraph_breaks_set_what_the_token_setter_sets(text):
    import spacy

    blank = spacy.blank("en")
    want = [t.is_sent_start for t in _breaks_token_by_token(blank(text))]
    assert [t.is_sent_start for t in snlp.paragraph_breaks(blank(text))] == want


def test_the_blas_products_reach_every_layer_and_use_one_thread(both_pipelines):
    from threadpoolctl import threadpool_info

    fast, slow = both_pipelines
    def ops_names(nlp):
        names = set()
        for _, proc in nlp.pipeline:
            model = getattr(proc, "model", None) or getattr(getattr(proc, "component", None), "model", None)
            if model is not None:
                names |= {type(n.ops).__name__ for n in model.walk()}
        return names
    assert ops_names(fast) == {"BlasOps"} and "BlasOps" not in ops_names(slow)
    assert all(i["num_threads"] == 1 for i in threadpool_info() if i["user_api"] == "blas")
