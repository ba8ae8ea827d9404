"""The tracking page on a phone, opened from the e-mail: it names the organisation with its
public contacts, switches language without losing the appeal, shows the citizen's own photos
(to the holder of the link only), and the verdict's choices are targets a thumb hits. After
"not solved" the citizen reads which repeat appeal was filed and where to follow it, and the
repeat links back to the first appeal. Real Chromium at 390×844."""

from __future__ import annotations

import re
import struct
import zlib

import httpx
import pytest
from console_helpers import add_user, signed_in
from playwright.sync_api import expect

from conftest import (
    Service,
    form_fields,
    form_token,
    make_org,
    run_cli,
    screenshot,
    serious_violations,
)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ORIGIN = "https://manturovo.example.ru"


def png(width: int = 40, height: int = 30) -> bytes:
    """A real PNG (a blue rectangle), so that the thumbnail is drawn."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x0d\x4c\xd3" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PHOTO = png()


@pytest.fixture
def city(db):
    make_org(db, "manturovo", ORIGIN)
    run_cli(
        db, "org", "set", "manturovo", "--phone", "+7 (49446) 2-11-33",
        "--email", "adm@manturovo.example.ru", "--website", "https://manturovo.example.ru",
    )  # fmt: skip
    add_user(db, "op@manturovo.example.ru", org="manturovo")
    service = Service(db, env={"POS_FORM_MIN_SECONDS": "0"}).start()
    yield service
    service.stop()


def _file_with_photo(service: Service, text: str = "Яма на дороге у школы номер 3.") -> dict:
    token = form_token(service.url, ORIGIN, org="manturovo")
    reply = httpx.post(
        f"{service.url}/w/manturovo/appeals",
        data=form_fields(token, text=text),
        files=[("photos", ("hole.png", PHOTO, "image/png"))],
        headers={"Origin": service.url, "Accept": "application/json"},
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _answer(service: Service, appeal_id: str) -> None:
    with signed_in(service.url, "op@manturovo.example.ru") as console:
        reply = console.post_form(f"/console/appeals/{appeal_id}/answer", {"text": "Яму засыпали."})
        assert reply.status_code == 303, reply.text


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU", device_scale_factor=2
    )
    yield context.new_page()
    context.close()


@pytest.mark.same_on_every_engine(
    "sizes on a phone's screen and axe; the photo and the verdict are stored on PostgreSQL by the stories below"
)
def test_on_a_phone_the_page_names_the_body_shows_her_photo_and_has_thumb_sized_choices(
    city, phone, browser, tmp_path_factory
):
    filed = _file_with_photo(city)
    _answer(city, filed["id"])
    phone.goto(filed["tracking_url"])

    header = phone.get_by_role("banner", name="Организация")
    expect(header.locator("#org-name")).to_have_text("Администрация manturovo")
    call = header.get_by_role("link", name="+7 (49446) 2-11-33")
    expect(call).to_have_attribute("href", "tel:+74944621133")
    assert call.bounding_box()["height"] >= 44  # a thumb's target, as the choices below
    expect(header.get_by_role("link", name="adm@manturovo.example.ru")).to_be_visible()
    expect(header.get_by_role("link", name="https://manturovo.example.ru")).to_be_visible()

    thumbnail = phone.get_by_role("img", name="Фотография 1, открыть целиком")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 40
    box = thumbnail.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box

    choices = phone.locator("#verdict-form fieldset label")
    expect(choices).to_have_count(7)  # solved / not solved, and 1–5
    for i in range(7):
        box = choices.nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (choices.nth(i).inner_text(), box)
    # the whole label is the target: a tap on its far edge picks its choice
    label = phone.locator("label", has_text="4 из 5")
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    phone.touchscreen.tap(box["x"] + box["width"] - 4, box["y"] + box["height"] - 4)
    expect(phone.get_by_label("4 из 5")).to_be_checked()
    assert serious_violations(phone) == []
    screenshot(phone, tmp_path_factory, "tracking-phone")

    desktop = browser.new_context(viewport=DESKTOP, locale="ru-RU").new_page()
    desktop.goto(filed["tracking_url"])
    screenshot(desktop, tmp_path_factory, "tracking-desktop")
    desktop.context.close()


def test_the_photo_is_served_only_under_its_own_tracking_link(city):
    filed = _file_with_photo(city)
    other = _file_with_photo(city, text="Не горит фонарь у дома 5 по улице Ленина.")
    own = filed["tracking_url"] + "/photos/1"
    reply = httpx.get(own)
    assert reply.status_code == 200 and reply.content == PHOTO
    assert reply.headers["content-type"] == "image/png"
    assert reply.headers["cache-control"] == "private, no-store"
    token = filed["tracking_url"].rsplit("/", 1)[1]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for url in (
        f"{city.url}/s/{forged}/photos/1",  # a forged link
        f"{city.url}/s/{filed['id']}/photos/1",  # the bare appeal id is no link
        filed["tracking_url"] + "/photos/2",  # a photo it does not have
        other["tracking_url"] + "/photos/2",
    ):
        assert httpx.get(url).status_code == 404, url
    assert httpx.get(other["tracking_url"] + "/photos/1").content == PHOTO


def test_the_language_switch_keeps_the_appeal(city, phone):
    filed = _file_with_photo(city)
    phone.goto(filed["tracking_url"])
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("h1")).to_contain_text(f"Appeal {filed['number']}")
    assert phone.url.split("?")[0].endswith(path) and "lang=en" in phone.url
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_role("link", name="Русский").click()
    expect(phone.locator("h1")).to_contain_text(filed["number"])
    expect(phone.locator("html")).to_have_attribute("lang", "ru")
    assert phone.url.split("?")[0].endswith(path)


def test_not_solved_says_which_repeat_was_filed_and_links_both_ways(city, phone, tmp_path_factory):
    filed = _file_with_photo(city)
    _answer(city, filed["id"])
    phone.goto(filed["tracking_url"])
    phone.get_by_label("Нет, не решена — подать повторное обращение").check()
    phone.get_by_label("2 из 5").check()
    phone.get_by_role("button", name="Отправить оценку").click()

    notice = phone.locator("#track-notice")
    expect(notice).to_contain_text("Подано повторное обращение")
    repeat = re.search(r"MANTUROVO-\d{4}-\d{6}", phone.locator("h1").inner_text()).group(0)
    assert repeat != filed["number"]
    expect(notice).to_contain_text(
        f"Подано повторное обращение {repeat} к обращению {filed['number']}"
    )
    link = notice.get_by_role("link")
    repeat_path = phone.url.split("?")[0].removeprefix(city.url)
    expect(link).to_have_attribute("href", repeat_path)
    expect(link).to_have_text(city.url + repeat_path)  # the address to keep, in full
    assert serious_violations(phone) == []
    screenshot(phone, tmp_path_factory, "tracking-repeat-filed")

    phone.locator("#repeat-of").get_by_role("link", name=filed["number"]).click()
    expect(phone.locator("h1")).to_contain_text(filed["number"])
    expect(phone.locator("#verdict")).to_contain_text("проблема не решена")
    phone.locator("#repeats").get_by_role("link", name=repeat).click()
    expect(phone.locator("h1")).to_contain_text(repeat)
    expect(phone.locator("#track-notice")).to_have_count(0)  # a revisit is not told again


def test_the_problem_back_files_a_repeat_whose_page_says_so_without_thanks(city):
    filed = _file_with_photo(city)
    _answer(city, filed["id"])
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    headers = {"Origin": city.url, "Accept": "text/html"}
    with httpx.Client(base_url=city.url, headers=headers, timeout=15) as citizen:
        solved = citizen.post(path + "/verdict", data={"solved": "yes", "rating": "5"})
        assert solved.status_code == 303
        back = citizen.post(path + "/repeat", data={"text": "Яма снова появилась после дождей."})
        assert back.status_code == 303
        page = citizen.get(back.headers["location"]).text
    repeat = re.search(r"MANTUROVO-\d{4}-\d{6}", page.split("<h1>", 1)[1]).group(0)
    assert f"Подано повторное обращение {repeat} к обращению {filed['number']}" in page
    assert "Спасибо за оценку" not in page
    assert f'<a href="{path}">{filed["number"]}</a>' in page  # «Повторное к обращению»
