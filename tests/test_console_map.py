"""The leaders' map: an organisation's boundary is set from a GeoJSON file (a bad file refused
with a message), the map colours a district by the board's own acuteness, an appeal with
coordinates shows as a point in the district that holds it, the page fits a laptop, a phone
and a wall monitor and passes axe, and nobody sees another organisation's districts or points."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
import pytest
from console_helpers import PASSWORD, add_user, own_org, signed_in, unique

from conftest import Service, appeal, bearer, run_cli, serious_violations

pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)


def rectangle(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def area_file(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def file(service: Service, key: str, count: int = 1, **changes: object) -> list[str]:
    ids = []
    for _ in range(count):
        answer = httpx.post(
            service.url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key)
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def test_org_area_refuses_a_bad_file_with_a_message_and_takes_a_good_one(db, request, tmp_path):
    own = own_org(db, request, "area")
    point = area_file(tmp_path, "point.geojson", {"type": "Point", "coordinates": [44.7, 58.3]})
    bow = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    metres = rectangle(4_970_000, 8_020_000, 4_990_000, 8_040_000)  # a projected CRS, not WGS 84
    for path, said in (
        (point, "is not an area"),
        (area_file(tmp_path, "bow.geojson", bow), "not valid (Self-intersection"),
        (area_file(tmp_path, "metres.geojson", metres), "must be in WGS 84"),
        (area_file(tmp_path, "junk.geojson", "{"), "is not a GeoJSON object"),
    ):
        refused = run_cli(db, "org", "area", own.slug, path, check=False)
        assert refused.returncode == 1, refused.stdout
        assert said in refused.stderr
    good = area_file(tmp_path, "good.geojson", rectangle(44.6, 58.2, 44.9, 58.4))
    taken = run_cli(db, "org", "area", own.slug, good)
    assert f"{own.slug}: area stored (Polygon" in taken.stdout
    shown = json.loads(run_cli(db, "org", "show", own.slug, "--json").stdout)
    assert "area" not in json.dumps(shown["settings"])  # the boundary is not a setting to print
    assert "area removed" in run_cli(db, "org", "area", own.slug, "--clear").stdout


def test_an_acute_district_is_red_like_its_board_cell_and_a_new_point_appears(
    db, service, request, tmp_path
):
    own = own_org(db, request, "acute")
    duty = add_user(db, unique(request, "duty@example.ru"), own.slug)
    run_cli(
        db, "org", "area", own.slug, area_file(tmp_path, "a.geojson", rectangle(44, 58, 45, 59))
    )
    ids = file(service, own.key, 6, category="roads", lat=None, lon=None)
    with signed_in(service.url, duty) as console:
        for appeal_id in ids:
            answer = console.post_form(
                f"/console/appeals/{appeal_id}/severity", {"severity": "critical"}
            )
            assert answer.status_code == 303, answer.text
        board = console.get("/console/board.json").json()["rows"][0]["cells"]["roads"]
        data = console.get("/console/map.json").json()
        (district,) = data["districts"]
        assert district["org"] == own.slug
        assert district["heat"] == board["heat"] >= 4  # the board's red, the same score
        assert district["score"] == board["score"]
        assert district["appeals"] == 6  # no coordinates: counted for their organisation
        assert data["points"] == []
        # a citizen writes from inside the district: on the next read it is a point there
        (new,) = file(service, own.key, 1, category="roads", lat=58.5, lon=44.5)
        data = console.get("/console/map.json?category=roads&days=1").json()
        (point,) = data["points"]
        assert point["id"] == new
        assert data["appeal_url"].format(id=point["id"]) == f"/console/appeals/{new}"
        assert point["district"] == own.slug and point["severity"] == "none"
        assert console.get(f"/console/appeals/{point['id']}").status_code == 200
        # another topic: neither acute nor with the point
        calm = console.get("/console/map.json?category=housing").json()
        assert calm["districts"][0]["heat"] == 0 and calm["points"] == []


def test_nobody_sees_another_organisations_districts_or_points(db, service, request, tmp_path):
    own = own_org(db, request, "ours")
    other = own_org(db, request, "theirs", "https://theirs.example.ru")
    ours = add_user(db, unique(request, "a@example.ru"), own.slug)
    run_cli(
        db, "org", "area", own.slug, area_file(tmp_path, "o.geojson", rectangle(44, 58, 45, 59))
    )
    # theirs overlaps ours: a point of theirs inside our area is still not ours to see
    run_cli(
        db, "org", "area", other.slug, area_file(tmp_path, "t.geojson", rectangle(44, 58, 46, 60))
    )
    file(service, own.key, 1, lat=58.4, lon=44.4)
    (theirs,) = file(service, other.key, 1, lat=58.41, lon=44.41)
    with signed_in(service.url, ours) as console:
        text = console.get("/console/map.json").text
        data = json.loads(text)
        assert [d["org"] for d in data["districts"]] == [own.slug]
        assert len(data["points"]) == 1
        assert other.slug not in text and theirs not in text
        page = console.get("/console/map").text
        assert other.slug not in page


@pytest.mark.same_on_every_engine(
    "the page's layout and axe; the map's reads on PostgreSQL: the other stories here"
)
def test_the_map_page_fits_passes_axe_and_draws_districts_and_points(
    browser, db, service, request, tmp_path
):
    shots = Path(os.environ.get("POS_SCREENSHOTS", tmp_path))
    region = own_org(db, request, "mapregion")
    north, south = unique(request, "north"), unique(request, "south")
    run_cli(db, "org", "add", north, "--name", "Северный район", "--parent", region.slug)
    run_cli(db, "org", "add", south, "--name", "Южный район", "--parent", region.slug)
    run_cli(
        db,
        "org",
        "area",
        north,
        area_file(tmp_path, "n.geojson", rectangle(44.6, 58.33, 44.95, 58.48)),
    )
    run_cli(
        db,
        "org",
        "area",
        south,
        area_file(tmp_path, "s.geojson", rectangle(44.6, 58.18, 44.95, 58.33)),
    )
    north_key = run_cli(db, "org", "key", north).stdout.strip().splitlines()[-1]
    for n in range(5):
        file(service, north_key, 1, category="roads", lat=58.4 + n * 0.01, lon=44.7)
    file(service, region.key, 2, category="housing", lat=58.25, lon=44.8)
    viewer = add_user(db, unique(request, "boss@example.ru"), region.slug)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    tab = context.new_page()
    try:
        tab.goto(service.url + "/console/signin?next=/console/map")
        tab.fill("#email", viewer)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/map")
        tab.wait_for_selector("#map-root[data-state=ready]")
        assert tab.locator("nav a[aria-current=page]").text_content() == "Карта"
        assert tab.locator(f"path[data-org='{north}']").count() == 1
        assert tab.locator(f"path[data-org='{south}']").count() == 1
        assert tab.get_attribute("#map-root", "data-points") == "7"
        assert tab.locator("#map-district-rows tr").count() == 2
        # a district wears its step's colour exactly as the legend (and the board) shows it
        level = tab.get_attribute(f"path[data-org='{north}']", "data-heat")
        swatch = f"getComputedStyle(document.querySelector('.legend .swatch.heat-{level}'))"
        assert level != "0"
        assert tab.get_attribute(f"path[data-org='{north}']", "fill") == tab.evaluate(
            swatch + ".backgroundColor"
        )
        assert serious_violations(tab) == []
        assert tab.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
        tab.screenshot(path=str(shots / "map-1280.png"), full_page=True)
        tab.set_viewport_size({"width": 375, "height": 812})
        tab.reload()
        tab.wait_for_selector("#map-root[data-state=ready]")
        assert tab.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
        assert serious_violations(tab) == []
        tab.screenshot(path=str(shots / "map-375.png"), full_page=True)
        tab.set_viewport_size({"width": 1920, "height": 1080})
        tab.goto(service.url + "/console/map/wall")
        tab.wait_for_selector("#map-root[data-state=ready]")
        assert tab.locator("header.top").count() == 0
        assert serious_violations(tab) == []
        tab.screenshot(path=str(shots / "map-wall-1920.png"))
        # a point opens its appeal (zooming into a cluster first)
        tab.set_viewport_size({"width": 1280, "height": 800})
        tab.goto(service.url + "/console/map")
        tab.wait_for_selector("#map-root[data-state=ready]")
        while tab.locator("path[data-number]").count() == 0:
            zoom = tab.get_attribute("#map-root", "data-zoom")
            tab.locator(".map-cluster").first.click()
            tab.wait_for_selector(f"#map-root:not([data-zoom='{zoom}'])")
        # the click event itself, not a mouse at the point's pixel: the map may still be
        # settling from the cluster's zoom, and a pixel then lands beside the point
        tab.locator("path[data-number]").first.dispatch_event("click")
        tab.wait_for_url("**/console/appeals/*")
        # without a mouse: the newest points are links beside the map, reached by Tab
        tab.goto(service.url + "/console/map")
        tab.wait_for_selector("#map-root[data-state=ready]")
        listed = tab.locator("#map-point-list a")
        assert listed.count() == 7
        assert "Южный район" in listed.all_text_contents()[0]  # the newest, with its district
        assert "(UTC+3, Europe/Moscow)" in tab.text_content("#map-updated")  # its clock, named
        assert "при любом выбранном периоде" in tab.text_content(".legend")
        for _ in range(60):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.closest('#map-point-list') !== null"):
                break
        else:
            raise AssertionError("the list of points is not reached by Tab")
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/console/appeals/*")
    finally:
        context.close()


def test_a_new_appeal_with_coordinates_appears_on_the_open_map_without_a_reload(
    browser, db, service, request, tmp_path
):
    own = own_org(db, request, "livemap")
    run_cli(
        db, "org", "area", own.slug, area_file(tmp_path, "l.geojson", rectangle(44, 58, 45, 59))
    )
    other = own_org(db, request, "livemapother")
    file(service, own.key, 1, lat=58.3, lon=44.3)
    viewer = add_user(db, unique(request, "duty@example.ru"), own.slug)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    tab = context.new_page()
    try:
        tab.goto(service.url + "/console/signin?next=/console/map")
        tab.fill("#email", viewer)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_selector("#map-root[data-state=ready][data-live-state=on][data-points='1']")
        file(service, other.key, 1, lat=58.31, lon=44.31)  # not ours: never a point here
        started = time.monotonic()
        file(service, own.key, 1, lat=58.6, lon=44.6)
        tab.wait_for_selector("#map-root[data-points='2']", timeout=5_000)
        print(f"map live latency: {(time.monotonic() - started) * 1000:.0f} ms")
        again = tab.locator("#map-root")
        assert again.get_attribute("data-points") == "2"  # the other organisation's is not
    finally:
        context.close()
