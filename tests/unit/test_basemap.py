"""The offline base map: Natural Earth outlines from an installed package, places projected."""

from __future__ import annotations

from sitrep.basemap import build_map, countries_in, outline_file
from tests.report_data import record


def test_outlines_come_from_an_installed_file():
    assert outline_file().endswith(".zip")
    codes = {c.code for c in countries_in((34.0, 32.0, 43.0, 38.0))}
    assert {"SY", "LB", "TR", "IQ"} <= codes


def test_places_are_projected_inside_the_map_with_their_country_named():
    places = record()["places"]
    view = build_map(places, {"p_harbor": 4, "p_hill": 1})
    assert view.error is None and view.width == 900 and view.height > 100
    roles = {s.code: s.role for s in view.shapes}
    assert roles["SY"] == "named" and roles.get("LB") == "other"
    pts = {p.place_id: p for p in view.points}
    assert set(pts) == {"p_harbor", "p_hill"}  # the country has no coordinates: shaded, no dot
    for p in pts.values():
        assert 0 <= p.x <= view.width and 0 <= p.y <= view.height
    # Hill Village is south and east of Harbor Town.
    assert pts["p_hill"].x > pts["p_harbor"].x and pts["p_hill"].y > pts["p_harbor"].y
    assert pts["p_harbor"].r > pts["p_hill"].r and pts["p_harbor"].label


def test_labels_never_overlap():
    places = [{"id": f"p{i}", "name": f"Place number {i}", "lat": 35.0 + i * 0.01, "lon": 36.0,
               "country_code": "SY", "precision": "town"} for i in range(6)]
    view = build_map(places, {p["id"]: 1 for p in places})
    labelled = [p for p in view.points if p.label]
    assert 1 <= len(labelled) < 6
    assert len({round(p.y / 13) for p in labelled}) == len(labelled)


def test_a_record_without_coordinates_says_so():
    view = build_map([{"id": "x", "name": "Nowhere", "lat": None, "lon": None, "precision": "town"}], {})
    assert view.error == "no place in this record has coordinates" and view.shapes == []


def test_a_country_only_record_frames_the_country():
    view = build_map([{"id": "sd", "name": "Sudan", "lat": None, "lon": None,
                       "country_code": "SD", "precision": "country"}], {})
    assert view.error is None
    assert "named" in {s.role for s in view.shapes if s.code == "SD"}
