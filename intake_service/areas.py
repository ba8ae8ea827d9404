"""An organisation's area on the console's map: its own boundary, given as GeoJSON with
`pos-intake org area SLUG FILE.geojson`, checked and simplified here, and kept as GeoJSON text
under `area` in the organisation's settings JSON (no migration: the registry's triggers bump
the config version on the change, so every node's directory picks it up).

Checks, so that a bad file is refused at the CLI rather than drawn wrong for years: a Polygon
or MultiPolygon (a Feature or FeatureCollection of them is accepted and merged), valid as
shapely sees it, every point inside lon −180…180 / lat −90…90 (a file in a projected CRS
fails here, with that said), and simplified to at most SIMPLIFY_POINTS points so the map's
JSON stays small.

Parsed shapes are cached by the stored text: the map asks "which district holds this point"
for every point of a request, and parsing a boundary costs more than the question.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import shapely
from shapely import make_valid
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from intake_service.orgs import Org, OrgError, get_org

AREA_KEY = "area"
MAX_FILE_BYTES = 20_000_000  # a region's detailed boundary; anything larger is not a boundary
SIMPLIFY_POINTS = 2_000  # the stored boundary's most points (the map's JSON stays small)
_TOLERANCES = (0.0, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05)


def _points(geometry: BaseGeometry) -> int:
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return sum(
        len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors)  # type: ignore[attr-defined]
        for p in polygons
    )


def _geometries(document: Any) -> list[dict[str, Any]]:
    """The geometry objects of a GeoJSON document (Feature/FeatureCollection unwrapped)."""
    if not isinstance(document, dict):
        raise OrgError("the file is not a GeoJSON object")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise OrgError("the FeatureCollection has no features")
        return [g for f in features for g in _geometries(f)]
    if kind == "Feature":
        geometry = document.get("geometry")
        if not isinstance(geometry, dict):
            raise OrgError("a Feature has no geometry")
        return [geometry]
    return [document]


def checked_area(text: str) -> str:
    """The GeoJSON geometry to store for `text`, or OrgError saying what is wrong with it."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise OrgError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise OrgError(f"the file is not JSON: {exc}") from None
    parts = []
    for geometry in _geometries(document):
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise OrgError(
                f"a {geometry.get('type')!r} is not an area: give a Polygon or MultiPolygon "
                "(or a Feature / FeatureCollection of them)"
            )
        try:
            parsed = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            raise OrgError(f"the {geometry['type']} cannot be read: {exc}") from None
        if parsed.is_empty:
            raise OrgError(f"the {geometry['type']} is empty")
        if not parsed.is_valid:
            from shapely.validation import explain_validity

            raise OrgError(
                f"the {geometry['type']} is not valid ({explain_validity(parsed)}); "
                "fix it in a GIS (e.g. QGIS: Vector → Geometry Tools → Fix Geometries)"
            )
        min_x, min_y, max_x, max_y = parsed.bounds
        if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
            raise OrgError(
                "coordinates are outside longitude −180…180 / latitude −90…90: the file must "
                "be in WGS 84 (EPSG:4326), longitude first"
            )
        parts.append(parsed)
    merged = make_valid(unary_union(parts)) if len(parts) > 1 else parts[0]
    if not isinstance(merged, Polygon | MultiPolygon):
        raise OrgError("the parts do not make one area")
    for tolerance in _TOLERANCES:
        simple = merged.simplify(tolerance, preserve_topology=True) if tolerance else merged
        if _points(simple) <= SIMPLIFY_POINTS and simple.is_valid and not simple.is_empty:
            merged = simple
            break
    else:
        raise OrgError(f"the area stays above {SIMPLIFY_POINTS} points even simplified")
    return json.dumps(mapping(merged), separators=(",", ":"))


def set_area(conn: sqlite3.Connection, slug: str, text: str | None) -> Org:
    """Store the organisation's area (None: remove it)."""
    org = get_org(conn, slug)
    merged = dict(org.settings)
    if text is None:
        merged.pop(AREA_KEY, None)
    else:
        merged[AREA_KEY] = checked_area(text)
    conn.execute(
        "UPDATE orgs SET settings = ? WHERE id = ?",
        (json.dumps(merged, ensure_ascii=False, sort_keys=True), org.id),
    )
    return get_org(conn, slug)


def area_text(org: Org) -> str | None:
    value = org.settings.get(AREA_KEY)
    return value if isinstance(value, str) and value else None


_SHAPES: OrderedDict[str, tuple[dict[str, Any], BaseGeometry]] = OrderedDict()
_SHAPES_LOCK = threading.Lock()
_SHAPES_KEEP = 512


def area_of(org: Org) -> tuple[dict[str, Any], BaseGeometry] | None:
    """The organisation's area as (GeoJSON geometry, shape prepared for point tests), parsed
    once per stored text; None when it has none."""
    text = area_text(org)
    if text is None:
        return None
    with _SHAPES_LOCK:
        found = _SHAPES.get(text)
        if found is not None:
            _SHAPES.move_to_end(text)
            return found
    geometry = json.loads(text)
    parsed_shape = shape(geometry)
    shapely.prepare(parsed_shape)  # in place: contains_xy then uses the prepared index
    parsed = (geometry, parsed_shape)
    with _SHAPES_LOCK:
        _SHAPES[text] = parsed
        while len(_SHAPES) > _SHAPES_KEEP:
            _SHAPES.popitem(last=False)
    return parsed


def first_containing(shapes: list[BaseGeometry], lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """For each point (`lons[i]`, `lats[i]`; NaN where unknown), the index of the first of
    `shapes` that holds it, or -1. One vectorised test per shape over the points still
    unplaced: a region's 5,000 points in ten districts are a few milliseconds, where asking
    shape by shape and point by point in Python took a quarter of a second."""
    home = np.full(len(lons), -1, dtype=np.int64)
    unplaced = ~(np.isnan(lons) | np.isnan(lats))
    for index, area in enumerate(shapes):
        todo = np.flatnonzero(unplaced)
        if todo.size == 0:
            break
        inside = todo[shapely.contains_xy(area, lons[todo], lats[todo])]
        home[inside] = index
        unplaced[inside] = False
    return home
