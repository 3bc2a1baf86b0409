"""The packaged word lists (src/sitrep/data/*.yaml) and what a user's extension file, named by an
environment variable, does to each: which lists are appended (with or without repeats), which
maps are merged key by key, which keys are replaced, and that a broken file is an error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from sitrep import clean, gazetteer, nlp, numbers
from sitrep.config import sources_roles
from sitrep.extract import attribution, bodies, figures, places, quotes, scope
from sitrep.link import background, sites, sources

# Every cached reader of a data file: cleared around each test so it reads the file again.
CACHED = (figures.lexicon, places.exclusions, nlp.alias_entries, nlp.place_supplement,
          gazetteer.country_names, gazetteer.lookup, gazetteer.admin1_rules, clean.lexicon, sources.description_kinds,
          sources.demonyms, sources._channel_end, background._earlier_cues, quotes.speech_verbs, quotes.name_titles,
          quotes.document_nouns, quotes.common_roles, quotes.description_words,
          quotes._role_title_nouns, quotes.name_prefixes, scope.cues, scope.rule, scope.war_wide,
          sites._lexicon, bodies._carrier_forms, bodies._carriers, sources_roles,
          gazetteer.name_forms, gazetteer._article, gazetteer.lookup_forms, places._articles,
          places._facility_end)


def _clear():
    for fn in CACHED:
        fn.cache_clear()


@pytest.fixture(autouse=True)
def fresh_caches():
    _clear()
    yield
    _clear()


def _extend(monkeypatch, tmp_path, var, data):
    """Point ``var`` at a user file holding ``data`` (YAML text or a value to dump)."""
    path = tmp_path / f"{var.lower()}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    monkeypatch.setenv(var, str(path))
    _clear()
    return path


# ---- lists appended, repeats kept; nested maps merged kind by kind ----------------------------

def test_scope_cues_lists_and_rules_are_appended_with_repeats(tmp_path, monkeypatch):
    base = scope.cue_entries()
    rules = scope.rule_entries()
    mine = {"cue": r"\bduring the opening hours\b", "at": "sentence", "example": "ours"}
    _extend(monkeypatch, tmp_path, "SITREP_SCOPE_CUES", {
        "part_time": [mine, base["part_time"][0]],
        "whole": None,
        "rules": {"condition": [{"cue": "on a ventilator", "at": "after", "example": "ours"}],
                  "a_new_rule": [{"cue": "newly", "at": "sentence", "example": "ours"}]}})
    entries = scope.cue_entries()
    assert entries["part_time"] == base["part_time"] + [mine, base["part_time"][0]]
    assert entries["whole"] == base["whole"]  # an empty kind adds nothing
    assert entries["background"] == base["background"]
    got = scope.rule_entries()
    assert got["condition"] == rules["condition"] + [
        {"cue": "on a ventilator", "at": "after", "example": "ours"}]
    assert got["a_new_rule"] == [{"cue": "newly", "at": "sentence", "example": "ours"}]
    assert got["another"] == rules["another"]


def test_aliases_are_appended_with_repeats(tmp_path, monkeypatch):
    base = nlp.alias_entries()
    mine = {"name": "Orchard Valley Relief Board", "type": "organization",
            "aliases": ["the relief board"]}
    _extend(monkeypatch, tmp_path, "SITREP_ALIASES", [mine, base[0]])
    assert nlp.alias_entries() == base + [mine, base[0]]


def test_an_empty_aliases_file_adds_nothing(tmp_path, monkeypatch):
    base = nlp.alias_entries()
    _extend(monkeypatch, tmp_path, "SITREP_ALIASES", "# nothing yet\n")
    assert nlp.alias_entries() == base


def test_place_exclusions_lists_appended_and_numbers_overridden(tmp_path, monkeypatch):
    base = places.exclusions()
    _extend(monkeypatch, tmp_path, "SITREP_PLACE_EXCLUSIONS", {
        "not_places": [{"name": "Harrow Brigade"}, "Kessel Front"],
        "group_words_after": ["irregulars"],
        "acronym_max_len": 2, "datelines": False})
    ex = places.exclusions()
    assert ex.not_places == base.not_places | {"harrow brigade", "kessel front"}
    assert ex.group_after.match(" irregulars") and ex.group_after.match(" militia")
    assert (ex.acronym_max_len, ex.short_max, ex.datelines) == (2, base.short_max, False)


def test_source_descriptions_merge_kind_by_kind_with_repeats(tmp_path, monkeypatch):
    base = sources.description_kinds()
    _extend(monkeypatch, tmp_path, "SITREP_SOURCE_DESCRIPTIONS", {
        "monitor": {"descriptions": ["casualty tracker", "war monitor"]},
        "harbour authority": {"name_words": ["harbour"]}})
    kinds = sources.description_kinds()
    assert kinds["monitor"]["descriptions"] == base["monitor"]["descriptions"] + [
        "casualty tracker", "war monitor"]
    assert kinds["monitor"]["name_words"] == base["monitor"]["name_words"]
    assert kinds["harbour authority"] == {"descriptions": [], "name_words": ["harbour"],
                                          "entity_types": [], "within_document": False}
    assert "qualifiers" not in kinds  # generic words before a description, no kind
    assert kinds["army"] == base["army"]


def test_source_channels_are_appended(tmp_path, monkeypatch):
    assert not sources._channel_end().search("Lomako through Signal")
    _extend(monkeypatch, tmp_path, "SITREP_SOURCE_CHANNELS",
            {"before": ["through"], "channels": ["Signal"]})
    end = sources._channel_end()
    assert end.search("Lomako through Signal") and end.search("Lomako on Telegram")


def test_earlier_count_cues_are_appended(tmp_path, monkeypatch):
    before, _ = background._earlier_cues()
    assert not before.search("the count given at dawn was ")
    _extend(monkeypatch, tmp_path, "SITREP_EARLIER_COUNTS",
            {"before": [{"cue": r"\bgiven at dawn was", "example": "ours"}], "after": None})
    before, after = background._earlier_cues()
    assert before.search("the count given at dawn was ") and before.search("had previously said ")
    assert after.match(" deaths initially reported")


def test_attack_sites_kinds_merged_and_words_appended(tmp_path, monkeypatch):
    _extend(monkeypatch, tmp_path, "SITREP_ATTACK_SITES",
            {"sites": {"hospital": ["infirmary"], "stadium": ["stadium"]}})
    kinds = sites._lexicon()["kinds"]
    assert kinds["infirmary"] == kinds["hospital"] == "hospital" and kinds["stadium"] == "stadium"


def test_speech_files_maps_merged_lists_appended_numbers_replaced(tmp_path, monkeypatch):
    verbs, indirect, after = quotes.speech_verbs()
    _extend(monkeypatch, tmp_path, "SITREP_SPEECH_VERBS", {
        "direct": {"intoned": "ours"}, "indirect": {"surmise": "ours"},
        "after_quote": ["intoned", after[0]]})
    verbs2, indirect2, after2 = quotes.speech_verbs()
    assert verbs2 == verbs | {"intoned", "surmise"} and indirect2 == indirect | {"surmise"}
    assert after2 == after + ("intoned", after[0])

    roles = quotes.common_roles()
    words = quotes.description_words()
    _extend(monkeypatch, tmp_path, "SITREP_SPEECH_ROLES", {
        "common_roles": {"ferryman": "a ferryman said"}, "relative_clause_words": 7,
        "role_titles": {"abbess": "Mother"}})
    assert quotes.common_roles() == roles | {"ferryman"}
    assert quotes.description_words()["relative_clause_words"] == 7
    assert quotes.description_words()["service_nouns"] == words["service_nouns"]
    assert "abbess" in quotes._role_title_nouns()


def test_speech_titles_given_as_a_list_add_to_the_packaged_map(tmp_path, monkeypatch):
    titles = quotes.name_titles()
    _extend(monkeypatch, tmp_path, "SITREP_SPEECH_TITLES", "titles: [Sheikha, Imam]\n")
    assert quotes.name_titles() == titles | {"Sheikha", "Imam"}


# ---- lists appended without the words the packaged list already has -------------------------

def test_sources_roles_lists_appended_without_repeats(tmp_path, monkeypatch):
    base = sources_roles()
    _extend(monkeypatch, tmp_path, "SITREP_SOURCES_ROLES", {
        "hedge_words": ["supposedly", base["hedge_words"][0]], "a_new_list": ["one"]})
    data = sources_roles()
    assert data["hedge_words"] == base["hedge_words"] + ["supposedly"]
    assert data["a_new_list"] == ["one"]
    assert data["roles"] == base["roles"]


def test_figures_lexicon_merged_deeply_without_repeats(tmp_path, monkeypatch):
    base = figures.lexicon()
    first_pre = next(iter(base["pre_status"]))
    _extend(monkeypatch, tmp_path, "SITREP_FIGURES_LEXICON", {
        "status_words": {"killed": ["perished in", "killed"], "evacuated": ["evacuated"]},
        "pre_status": {"slaying of": "killed", first_pre: "injured"},
        "weak_after": ["held", "spared"]})
    lex = figures.lexicon()
    assert lex["status_words"]["killed"] == base["status_words"]["killed"] + ["perished in"]
    assert lex["status_words"]["injured"] == base["status_words"]["injured"]
    assert lex["status_words"]["evacuated"] == ["evacuated"]
    assert lex["pre_status"] == {**base["pre_status"], "slaying of": "killed", first_pre: "injured"}
    assert lex["weak_after"] == base["weak_after"] + ["spared"]


def test_clean_lexicon_lists_appended_without_repeats(tmp_path, monkeypatch):
    base = clean.lexicon()
    _extend(monkeypatch, tmp_path, "SITREP_CLEAN_LEXICON", {
        "related_cues": ["further coverage", base["related_cues"][0]],
        "headline_status_words": ["slain"], "a_new_list": ["one"]})
    lex = clean.lexicon()
    assert lex["related_cues"] == base["related_cues"] + ["further coverage"]
    assert lex["headline_status_words"] == base["headline_status_words"] + ["slain"]
    assert lex["status_words"] == base["status_words"] + ["slain"]
    assert lex["a_new_list"] == ["one"]


def test_clean_and_numbers_read_the_users_figures_lexicon_too(tmp_path, monkeypatch):
    """A status word or one-person noun a user adds to the figures lexicon reaches the headline
    status words of clean and the one-person nouns of numbers, as it reaches figures."""
    base = clean.lexicon()["status_words"]
    _extend(monkeypatch, tmp_path, "SITREP_FIGURES_LEXICON",
            {"status_words": {"killed": ["perished in"]}, "one_person": ["ferryman"]})
    words = clean.lexicon()["status_words"]
    assert "perished in" in words and set(base) <= set(words)
    assert "ferryman" in numbers._one_person().pattern


# ---- keys replaced ----------------------------------------------------------------------------

def test_demonyms_keys_replaced_and_added(tmp_path, monkeypatch):
    base = sources.demonyms()
    _extend(monkeypatch, tmp_path, "SITREP_DEMONYMS",
            {"congolese": "congo brazzaville", "valdorian": "Valdoria"})
    got = sources.demonyms()
    assert got == {**base, "congolese": ("congo", "brazzaville"), "valdorian": ("valdoria",)}


def test_country_names_added_and_a_name_the_user_moves_goes_with_the_user(tmp_path, monkeypatch):
    base = gazetteer.country_names()
    # CD comes before CG in the packaged file: a name moved to CD must still end under CD.
    _extend(monkeypatch, tmp_path, "SITREP_COUNTRY_NAMES",
            {"CD": ["Congo Republic"], "cg": ["Congo"], "SD": ["Republic of the Sudan"]})
    got = gazetteer.country_names()
    assert got["congo republic"] == "CD" and got["congo"] == "CG"
    assert got["republic of the sudan"] == "SD"
    assert got["drc"] == base["drc"] == "CD" and got["congo-brazzaville"] == "CG"


def test_an_unset_or_empty_variable_reads_the_packaged_file_alone(monkeypatch):
    base = figures.lexicon()
    monkeypatch.setenv("SITREP_FIGURES_LEXICON", "")
    _clear()
    assert figures.lexicon() == base


# ---- a broken extension file is an error that names it, never silently ignored ---------------

READERS = {
    "SITREP_SCOPE_CUES": scope.cue_entries,
    "SITREP_SOURCES_ROLES": sources_roles,
    "SITREP_FIGURES_LEXICON": figures.lexicon,
    "SITREP_PLACE_EXCLUSIONS": places.exclusions,
    "SITREP_ALIASES": nlp.alias_entries,
    "SITREP_COUNTRY_NAMES": gazetteer.country_names,
    "SITREP_ADMIN1_NAMES": gazetteer.admin1_rules,
    "SITREP_PLACE_NAME_FORMS": gazetteer.name_forms,
    "SITREP_CLEAN_LEXICON": clean.lexicon,
    "SITREP_SOURCE_DESCRIPTIONS": sources.description_kinds,
    "SITREP_DEMONYMS": sources.demonyms,
    "SITREP_SOURCE_CHANNELS": sources._channel_end,
    "SITREP_EARLIER_COUNTS": background._earlier_cues,
    "SITREP_ATTACK_SITES": sites._lexicon,
    "SITREP_SPEECH_VERBS": quotes.speech_verbs,
    "SITREP_SPEECH_TITLES": quotes.name_titles,
    "SITREP_SPEECH_ROLES": quotes.common_roles,
}


def _failure(read, capsys) -> str:
    """What reading reports: the exception's text and anything printed on stderr."""
    with pytest.raises((Exception, SystemExit)) as info:
        read()
    return str(info.value) + capsys.readouterr().err


@pytest.mark.parametrize("var", sorted(READERS))
def test_a_missing_extension_file_is_an_error_naming_it(var, tmp_path, monkeypatch, capsys):
    path = tmp_path / "not-there.yaml"
    monkeypatch.setenv(var, str(path))
    _clear()
    assert str(path) in _failure(READERS[var], capsys)


@pytest.mark.parametrize("var", sorted(READERS))
def test_a_malformed_extension_file_is_an_error_naming_it(var, tmp_path, monkeypatch, capsys):
    path = _extend(monkeypatch, tmp_path, var, "words: [unclosed, list\n  - and: {\n")
    assert str(path) in _failure(READERS[var], capsys)


@pytest.mark.parametrize("var", sorted(READERS))
def test_an_extension_of_the_wrong_shape_is_an_error(var, tmp_path, monkeypatch, capsys):
    wrong = "key: [a list]\n" if var == "SITREP_ALIASES" else "- first item\n- second item\n"
    _extend(monkeypatch, tmp_path, var, wrong)
    _failure(READERS[var], capsys)


def test_extensions_reach_what_modules_build_at_import(tmp_path):
    """A fresh process with every extension set: the tables built once at import use them."""
    files = {"SITREP_FIGURES_LEXICON": "weak_after: [spared]\n",
             "SITREP_CLEAN_LEXICON": "related_cues: [further coverage]\n",
             "SITREP_SOURCES_ROLES": "hedge_words: [supposedly]\n"}
    env = dict(os.environ)
    for var, text in files.items():
        (tmp_path / var).write_text(text, encoding="utf-8")
        env[var] = str(tmp_path / var)
    probe = ("from sitrep.extract import figures, attribution; from sitrep import clean; "
             "print('spared' in figures.WEAK_AFTER, bool(clean.RELATED.match('Further coverage')), "
             "attribution.hedged('Supposedly 40 people died.'))")
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["True", "True", "True"]


# ---- one reader for every data file (sitrep.config.load_data) ---------------------------------

def _one_line(read, capsys) -> str:
    with pytest.raises(SystemExit) as info:
        read()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("var", sorted(READERS))
@pytest.mark.parametrize("text, says", [
    (None, "cannot read (No such file or directory)"),
    ("words: [unclosed, list\n  - and: {\n", "not valid YAML"),
    ("\xff\xfe", "not UTF-8 text"),
])
def test_a_broken_extension_is_one_line_naming_the_variable_and_file(var, text, says, tmp_path,
                                                                      monkeypatch, capsys):
    path = tmp_path / "mine.yaml"
    if text == "\xff\xfe":
        path.write_bytes(b"\xff\xfe words")
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(var, str(path))
    _clear()
    assert _one_line(READERS[var], capsys).startswith(f"{var}={path}: {says}")


@pytest.mark.parametrize("var", sorted(READERS))
def test_an_extension_of_the_wrong_shape_is_one_line(var, tmp_path, monkeypatch, capsys):
    wrong = "key: [a list]\n" if var == "SITREP_ALIASES" else "- first item\n- second item\n"
    path = _extend(monkeypatch, tmp_path, var, wrong)
    packaged, given = ("list", "map") if var == "SITREP_ALIASES" else ("map", "list")
    err = _one_line(READERS[var], capsys)
    assert err.startswith(f"{var}={path}: a {given} where data/") and f"is a {packaged}" in err


def test_a_key_holding_another_kind_of_value_is_one_line(tmp_path, monkeypatch, capsys):
    path = _extend(monkeypatch, tmp_path, "SITREP_FIGURES_LEXICON",
                   "status_words:\n  killed: perished\n")
    err = _one_line(figures.lexicon, capsys)
    assert err == (f"SITREP_FIGURES_LEXICON={path}: status_words.killed is a value where it is a "
                   "list in data/figures_lexicon.yaml\n")


@pytest.mark.parametrize("var, read, key", [
    ("SITREP_SOURCES_ROLES", lambda: sources_roles()["hedge_words"], "hedge_words"),
    ("SITREP_SPEECH_TITLES", lambda: quotes.name_titles(), "titles"),
    ("SITREP_PLACE_EXCLUSIONS", lambda: places.exclusions().not_places, "not_places"),
    ("SITREP_CLEAN_LEXICON", lambda: clean.lexicon()["related_cues"], "related_cues"),
    ("SITREP_DEMONYMS", lambda: sources.demonyms()["congolese"], "congolese"),
])
def test_an_empty_key_adds_nothing_and_removes_nothing(var, read, key, tmp_path, monkeypatch):
    base = read()
    _extend(monkeypatch, tmp_path, var, f"{key}:\n")
    assert read() == base


def test_load_data_reads_once_and_hands_out_copies(tmp_path, monkeypatch):
    from sitrep.config import load_data

    first = load_data("demonyms.yaml", "SITREP_DEMONYMS", merge="replace")
    first["congolese"] = "changed"
    assert load_data("demonyms.yaml", "SITREP_DEMONYMS", merge="replace")["congolese"] == "congo"
    path = _extend(monkeypatch, tmp_path, "SITREP_DEMONYMS", {"valdorian": "valdoria"})
    assert load_data("demonyms.yaml", "SITREP_DEMONYMS", merge="replace")["valdorian"] == "valdoria"
    path.write_text("valdorian: elsewhere\n", encoding="utf-8")  # read once per file
    assert load_data("demonyms.yaml", "SITREP_DEMONYMS", merge="replace")["valdorian"] == "valdoria"
    with pytest.raises(ValueError, match="unknown merge rule"):
        load_data("demonyms.yaml", "SITREP_DEMONYMS", merge="sideways")


def test_a_broken_extension_stops_a_fresh_process_with_one_line(tmp_path):
    env = {**os.environ, "SITREP_CLEAN_LEXICON": str(tmp_path / "absent.yaml")}
    run = subprocess.run([sys.executable, "-c", "import sitrep.clean"], env=env,
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr == (f"SITREP_CLEAN_LEXICON={tmp_path / 'absent.yaml'}: cannot read "
                          "(No such file or directory)\n")


def test_the_readme_table_names_every_data_file_and_its_variable():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    calls = {m.groups() for p in (root / "src/sitrep").rglob("*.py")
             for m in re.finditer(r'_data\("([\w.]+)"(?:, "(SITREP_\w+)")?',  # load_data, quotes' _data
                                  p.read_text(encoding="utf-8"))}
    assert len({var for _, var in calls if var}) == 17
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name, var in calls:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}` |")), "")
        assert row and (var is None or f"`{var}`" in row), (name, var)


def test_a_users_division_names_build_their_own_index_and_are_looked_up(tmp_path):
    # The index file's name carries the division names, so an extension is never served an index
    # built without it; the alias reaches the province (a fresh process: the index is cached).
    extra = tmp_path / "admin1.yaml"
    extra.write_text('aliases:\n  "CD/Ituri": [Ituriland]\n', encoding="utf-8")
    env = {**os.environ, "SITREP_ADMIN1_NAMES": str(extra), "SITREP_CACHE": str(tmp_path / "cache")}
    code = ("from sitrep import gazetteer; print(gazetteer.index_path().name); "
            "print([(p.name, p.country_code, p.precision) for p, _ in gazetteer.lookup('Ituriland')])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout.splitlines()
    assert out[0] != gazetteer.index_path().name
    assert out[1] == "[('Ituri', 'CD', 'province')]"
