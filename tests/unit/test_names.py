"""Naming: a country's own society under a form the dictionary gives an international body."""

from __future__ import annotations

from sitrep.extract.entities import Resolver, national_before, national_body


def test_a_demonym_before_a_national_form_names_the_country_s_society():
    assert national_body("the Nigerien Red Cross") == "Nigerien Red Cross"
    assert national_body("Kenya's Red Cross") == "Kenya Red Cross"
    assert national_body("Red Cross") is None
    assert national_body("International Red Cross") is None


def test_the_demonym_is_found_before_the_form_in_the_text():
    text = "According to the Nigerien Red Cross, 18 were hurt."
    start = text.index("Red")
    assert text[national_before(text, start, start + len("Red Cross")):start] == "Nigerien "


def test_the_bare_form_after_a_national_society_names_that_society():
    r = Resolver()
    assert r.resolve("Red Cross", "ORG").name == "International Committee of the Red Cross"
    assert r.resolve("Nigerien Red Cross", "ORG").name == "Nigerien Red Cross"
    assert r.resolve("the Red Cross", "ORG").name == "Nigerien Red Cross"


def test_a_lone_first_or_last_name_is_the_person_named_in_full_whatever_its_tag():
    r = Resolver()
    r.add_full_name("Chaiwat Srisombat")
    r.add_full_name("Israel Katz")
    for surface, label in [("Chaiwat", "ORG"), ("Chaiwat", "GPE"), ("Srisombat", "PERSON")]:
        found = r.resolve(surface, label)
        assert (found.name, found.type) == ("Chaiwat Srisombat", "person")
    assert r.resolve("Israel", "GPE").name != "Israel Katz"  # a place's name stays the place
    r.add_full_name("Chaiwat Mongkol")  # two people share the first name: neither
    assert r.resolve("Chaiwat", "PERSON").name == "Chaiwat"
