"""spaCy loading (once per process) with an EntityRuler built from the alias dictionary."""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.language import Language

from .config import CONFIG
from .registry import stage
from .work import Work

# Dictionary type -> spaCy label, so the ruler fixes labels the statistical model gets wrong.
TYPE_LABEL = {"person": "PERSON", "organization": "ORG", "armed_group": "ORG", "government": "ORG",
              "group": "NORP", "media": "ORG"}


@lru_cache(maxsize=1)
def alias_entries() -> list[dict[str, Any]]:
    entries = yaml.safe_load(resources.files("sitrep").joinpath("data/aliases.yaml").read_text("utf-8"))
    extra = os.environ.get("SITREP_ALIASES")
    if extra:
        with open(extra, encoding="utf-8") as fh:
            entries = entries + (yaml.safe_load(fh) or [])
    return entries


@lru_cache(maxsize=1)
def place_supplement() -> list[dict[str, Any]]:
    return yaml.safe_load(resources.files("sitrep").joinpath("data/places_supplement.yaml").read_text("utf-8"))


@Language.component("paragraph_breaks")
def paragraph_breaks(doc):
    """A paragraph break always starts a sentence: scraped paragraphs often lack a final period."""
    for tok in doc[1:]:
        if "\n\n" in doc[tok.i - 1].whitespace_ or doc[tok.i - 1].text.startswith("\n"):
            tok.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_nlp():
    model = importlib.import_module(CONFIG["pipeline"]["spacy_model"])
    nlp = model.load()
    nlp.add_pipe("paragraph_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True,
                                                               "phrase_matcher_attr": "ORTH"})
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
