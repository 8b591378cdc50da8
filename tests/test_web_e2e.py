"""The web UI in headless Chromium: pages load, the map shows the events, a click leads to the
evidence, the console stays clean and no request leaves 127.0.0.1.

Set ``LAGEBILD_SCREENSHOTS=<dir>`` to also save screenshots of the main pages there.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import uvicorn

from api_fixtures import build_store
from lagebild.api import create_app
from lagebild.store import Store, open_store

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "examples" / "kz-2022-de"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(store: Store) -> Iterator[str]:
    """The app over ``store`` served by uvicorn in a thread on a free port of 127.0.0.1."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = build_store(tmp_path_factory.mktemp("web") / "web.db")
    with serving(store) as url:
        yield url
    store.close()


class Watch:
    """What a page did that it should not: console errors, page errors, requests to other hosts."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def watched(browser) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    watch = Watch()
    context = browser.new_context(viewport={"width": 1360, "height": 900})

    def route(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            watch.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and watch.console_errors.append(message.text))
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
    yield page, watch
    context.close()
    assert watch.console_errors == []
    assert watch.external_requests == []


PAGES = [
    ("/", "Lagebild"),
    ("/map", "Karte der Ereignisse"),
    ("/timeline", "Zeitleiste"),
    ("/entities", "Entitäten"),
    ("/entities/geo:1526384", "Almaty"),
    ("/stories", "Geschichten"),
    ("/stories/story-kz", "Unruhen in Kasachstan"),
    ("/documents", "Dokumente"),
    ("/documents/doc-almaty-a", "Proteste in Kasachstan eskalieren"),
    ("/search?q=Almaty", "Suche"),
    ("/sites", "Schutzobjekte"),
    ("/watch", "Überwachungsregeln"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_page_loads_cleanly(watched: tuple, base_url: str, path: str, heading: str) -> None:
    page, _ = watched
    response = page.goto(base_url + path)
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().startswith(heading)


def _open_map(page, base_url: str):  # type: ignore[no-untyped-def]
    page.goto(base_url + "/map")
    page.wait_for_selector("#map[data-ready='true']", timeout=15000)
    return page.locator("path.event-marker")


def test_map_shows_almaty_and_dnipro(watched: tuple, base_url: str) -> None:
    page, _ = watched
    markers = _open_map(page, base_url)
    places = {markers.nth(index).get_attribute("data-places") for index in range(markers.count())}
    assert {"Almaty", "Dnipro"} <= {name for joined in places for name in (joined or "").split("|")}
    almaty = page.locator("path.event-marker[data-places*='Almaty']")
    assert int(almaty.get_attribute("data-count") or 0) == 3
    assert set((almaty.get_attribute("data-event-ids") or "").split()) == {
        "ev-protest",
        "ev-assault-a",
        "ev-assault-b",
    }
    assert page.locator(".leaflet-overlay-pane path:not(.event-marker)").count() > 100  # country outlines
    assert page.locator("#legend li").count() == 3


def test_time_slider_filters_markers(watched: tuple, base_url: str) -> None:
    page, _ = watched
    markers = _open_map(page, base_url)
    assert page.locator("path.event-marker[data-places*='Dnipro']").count() == 1
    page.eval_on_selector(
        "#range-to", "input => { input.value = '10'; input.dispatchEvent(new Event('input')); }"
    )
    assert page.locator("#label-to").inner_text() == "2022-01-11"
    assert page.locator("path.event-marker[data-places*='Dnipro']").count() == 0
    assert markers.count() >= 1
    assert "4 von 5" in page.locator("#map-status").inner_text()


def test_clicking_an_event_opens_its_evidence(watched: tuple, base_url: str) -> None:
    page, _ = watched
    _open_map(page, base_url)
    page.locator("path.event-marker[data-places*='Dnipro']").click()
    link = page.locator(".leaflet-popup a.event-link[data-event-id='ev-dnipro']")
    link.click()
    page.wait_for_url("**/documents/doc-dnipro?event=ev-dnipro#event-ev-dnipro")
    selected = page.locator("mark.evidence.selected")
    assert selected.count() >= 1
    assert "Dnipro" in " ".join(selected.all_inner_texts())
    assert "Dnipro" in page.locator("mark.evidence.selected a.mention.ent-LOC").all_inner_texts()


def _screenshot_store(folder: Path) -> tuple[Store, str]:
    """The sample corpus ingested for real when the pipeline imports, else the fixture store."""
    try:
        from lagebild.ingest import ingest_paths

        store = open_store(str(folder / "sample.db"))
        ingest_paths(store, [SAMPLE_DIR])
        return store, "sample corpus"
    except ImportError:
        return build_store(folder / "fixture.db"), "fixture store"


def test_screenshots(watched: tuple, tmp_path: Path) -> None:
    target = os.environ.get("LAGEBILD_SCREENSHOTS")
    if not target:
        pytest.skip("set LAGEBILD_SCREENSHOTS=<dir> to save screenshots")
    page, _ = watched
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    store, _ = _screenshot_store(tmp_path)
    with serving(store) as url:
        stories = httpx.get(f"{url}/api/v1/stories").json()["items"]
        story = max(stories, key=lambda item: item["size"])
        events = httpx.get(f"{url}/api/v1/events", params={"located": "true", "place": "Almaty"}).json()[
            "items"
        ]
        event = next(
            (
                item
                for item in events
                if item["type"] in ("PROTEST", "ASSAULT") and "Almaty" in item["evidence"]
            ),
            events[0],
        )
        page.goto(url + "/")
        page.screenshot(path=str(folder / "dashboard.png"), full_page=True)
        page.goto(f"{url}/stories/{story['id']}")
        page.screenshot(path=str(folder / "story.png"))
        page.goto(f"{url}/documents/{event['document_id']}?event={event['id']}")
        page.eval_on_selector("mark.evidence.selected", "mark => mark.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(folder / "document.png"))
        _open_map(page, url)
        page.screenshot(path=str(folder / "map.png"))
    store.close()
