"""Hostile content stays inert in the web UI (headless Chromium).

Every text field a page shows (titles, article text, outlets, entity names, event actors
and places, story headlines, claim values, site and rule names, the document URL) holds
script, event-handler, SVG, CSS and meta-refresh injections. On every page: no dialog
opens, no request leaves 127.0.0.1, the console stays clean, the payloads are visible as
text and none became an element, attribute or clickable ``javascript:`` link.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote, urlparse

import pytest

from lagebild.alerts.rules import add_rule, rule_from_definition
from lagebild.alerts.sites import Site, add_site
from lagebild.store import Store, open_store
from lagebild.store.schema import (
    CanonicalEventRow,
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    StoryDocumentRow,
    StoryRow,
)
from test_web_e2e import CHROMIUM, CHROMIUM_ARGS, serving

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTRIBUTE = '" onmouseover="alert(1)'
SVG = "</textarea><svg onload=alert(1)>"
CSS = "</style><style>body{background:url(http://evil.example/x)}</style>"
META = '<meta http-equiv="refresh" content="0;url=http://evil.example">'
JAVASCRIPT_URL = "javascript:alert(1)"
PAYLOADS = [SCRIPT, IMG, ATTRIBUTE, SVG, CSS, META, JAVASCRIPT_URL]
HOSTILE = " ".join(PAYLOADS)

DOC_ID = "doc-hostile"
PLACE_ID = "geo:hostile"
STORY_ID = "story-hostile"
TEXT = f"Am 5. Januar 2022 demonstrierten Tausende in Almaty {HOSTILE} gegen hohe Preise."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def hostile(prefix: str) -> str:
    return f"{prefix} {HOSTILE}"


def populate_hostile(store: Store) -> None:
    """One document whose every shown field carries the payloads, with its analysis rows."""
    place_name = hostile("Almaty")
    payload_start = TEXT.index(SCRIPT)
    with store.session() as session:
        session.add(
            EntityRow(
                id=PLACE_ID,
                type="LOC",
                name=place_name,
                names={"de": place_name},
                aliases=[hostile("alias")],
                latitude=43.25,
                longitude=76.92,
                country="KZ",
            )
        )
        session.add(
            DocumentRow(
                id=DOC_ID,
                content_hash=DOC_ID,
                source=JAVASCRIPT_URL,
                url=JAVASCRIPT_URL,
                outlet=hostile("outlet"),
                title=hostile("Titel"),
                author=hostile("author"),
                published="2022-01-06",
                published_precision="day",
                language="de",
                media_type="text/html",
                text=TEXT,
                words=len(TEXT.split()),
                ingested_at=datetime(2026, 1, 1, tzinfo=UTC),
                analyzed=True,
                seq=1,
            )
        )
        session.flush()
        session.add(
            MentionRow(
                document_id=DOC_ID,
                start=TEXT.index("Almaty"),
                end=len(TEXT) - len(" gegen hohe Preise."),
                text=TEXT[TEXT.index("Almaty") : len(TEXT) - len(" gegen hohe Preise.")],
                label="LOC",
                entity_id=PLACE_ID,
                sentence_start=0,
                sentence_end=len(TEXT),
            )
        )
        session.add(
            EventRow(
                id="ev-hostile",
                document_id=DOC_ID,
                type="PROTEST",
                actor=hostile("actor"),
                target=hostile("target"),
                place=place_name,
                place_id=PLACE_ID,
                latitude=43.25,
                longitude=76.92,
                date="2022-01-05",
                date_precision="day",
                killed=3,
                modality="reported",
                attributed_to=hostile("speaker"),
                weapon=hostile("weapon"),
                evidence_start=0,
                evidence_end=len(TEXT),
                trigger="demonstrierten",
                confidence=0.8,
                canonical_event_id="ce-hostile",
            )
        )
        session.add(
            StoryRow(
                id=STORY_ID,
                headline=hostile("Schlagzeile"),
                first_seen="2022-01-06",
                last_seen="2022-01-06",
                outlets=[hostile("outlet")],
                languages=["de"],
                entity_ids=[PLACE_ID],
                size=1,
            )
        )
        session.flush()
        session.add(StoryDocumentRow(story_id=STORY_ID, document_id=DOC_ID))
        session.add(
            CanonicalEventRow(
                id="ce-hostile",
                story_id=STORY_ID,
                type="PROTEST",
                date="2022-01-05",
                date_precision="day",
                place=place_name,
                place_id=PLACE_ID,
                latitude=43.25,
                longitude=76.92,
                actor=hostile("actor"),
                mentions=1,
            )
        )
        session.flush()
        session.add(
            ClaimRow(
                id="claim-hostile",
                canonical_event_id="ce-hostile",
                attribute="place",
                value=hostile("Wert"),
                status="conflict",
                support=1,
            )
        )
        session.flush()
        session.add(
            ClaimSourceRow(
                claim_id="claim-hostile",
                event_id="ev-hostile",
                document_id=DOC_ID,
                outlet=hostile("outlet"),
                speaker=hostile("speaker"),
                start=payload_start,
                end=payload_start + len(HOSTILE),
            )
        )
    # Rule names are at most 200 characters (a site's rule is "site:" + its name): the
    # payloads are split between the name and the keywords.
    add_site(
        store, Site(name=" ".join([SCRIPT, IMG, ATTRIBUTE, JAVASCRIPT_URL]), latitude=43.3, longitude=76.9)
    )
    rule = rule_from_definition(" ".join(["Regel", SVG, CSS, META]), {"keywords": [SCRIPT, IMG, ATTRIBUTE]})
    add_rule(store, rule)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = open_store(str(tmp_path_factory.mktemp("hostile") / "hostile.db"))
    populate_hostile(store)
    with serving(store) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Incidents:
    """Everything a payload could have achieved: dialogs, outside requests, console errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.external_requests: list[str] = []
        self.console_errors: list[str] = []


@pytest.fixture
def watched(browser) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    incidents = Incidents()
    context = browser.new_context(viewport={"width": 1360, "height": 900})

    def route(route) -> None:  # type: ignore[no-untyped-def]
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            incidents.external_requests.append(route.request.url)
            route.abort()

    def dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        incidents.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", dialog)
    page.on(
        "console", lambda message: message.type == "error" and incidents.console_errors.append(message.text)
    )
    page.on("pageerror", lambda error: incidents.console_errors.append(str(error)))
    yield page, incidents
    context.close()
    assert incidents.dialogs == []
    assert incidents.external_requests == []
    assert incidents.console_errors == []


#: What the DOM must not contain: inline scripts, scripts from anywhere but our static
#: files, any on* attribute, injected svg/meta/style elements, javascript: links.
INJECTED_NODES = """() => {
  const found = [];
  for (const script of document.querySelectorAll("script")) {
    const src = script.getAttribute("src") || "";
    if (!/^\\/(static|watch\\/static)\\//.test(src) || script.textContent.trim()) found.push(script.outerHTML);
  }
  for (const node of document.querySelectorAll("*")) {
    for (const attribute of node.attributes) {
      if (attribute.name.toLowerCase().startsWith("on")) found.push(node.outerHTML.slice(0, 200));
    }
  }
  // An injected <svg onload> is caught above by its attribute; our pages draw their own svg.
  for (const node of document.querySelectorAll("meta[http-equiv], style, img[src='x'], textarea, iframe, object, embed")) {
    found.push(node.outerHTML.slice(0, 200));
  }
  for (const link of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    for (const name of ["href", "src", "action", "formaction"]) {
      const value = (link.getAttribute(name) || "").replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (value.startsWith("javascript:") || value.startsWith("data:text/html")) found.push(link.outerHTML.slice(0, 200));
    }
  }
  return found;
}"""


def assert_inert(page, shown: list[str]) -> None:  # type: ignore[no-untyped-def]
    """No payload became markup; the ones in ``shown`` are visible as plain text."""
    assert page.evaluate(INJECTED_NODES) == []
    assert page.locator("script", has_text="alert").count() == 0
    assert page.locator("img[onerror]").count() == 0
    text = page.locator("body").inner_text()
    for payload in shown:
        assert payload in text, f"{payload!r} is not visible as text"


PAGES = [
    ("/", [SCRIPT, IMG, ATTRIBUTE]),
    ("/timeline", PAYLOADS),
    ("/entities", PAYLOADS),
    (f"/entities/{PLACE_ID}", PAYLOADS),
    ("/stories", PAYLOADS),
    (f"/stories/{STORY_ID}", PAYLOADS),
    ("/documents", PAYLOADS),
    (f"/documents/{DOC_ID}?event=ev-hostile", PAYLOADS),
    ("/search?q=" + quote(SCRIPT + " Almaty"), PAYLOADS),
    ("/sites", PAYLOADS),
    ("/watch", PAYLOADS),
]


@pytest.mark.parametrize(("path", "shown"), PAGES)
def test_hostile_text_is_shown_not_executed(
    watched: tuple, base_url: str, path: str, shown: list[str]
) -> None:
    page, _ = watched
    response = page.goto(base_url + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert_inert(page, shown)
    # Where an injected onmouseover would fire (dispatched: long payloads overlap in the layout).
    for element in page.locator("main a, main td, main li, main span").all()[:80]:
        element.dispatch_event("mouseover")
    assert_inert(page, [])


def test_hostile_search_query_stays_in_the_input(watched: tuple, base_url: str) -> None:
    page, _ = watched
    page.goto(base_url + "/search?q=" + quote(HOSTILE))
    assert page.locator("main input[name=q]").input_value() == HOSTILE
    assert_inert(page, [])


def test_javascript_url_of_a_document_is_not_a_link(watched: tuple, base_url: str) -> None:
    page, _ = watched
    page.goto(base_url + f"/documents/{DOC_ID}")
    assert page.get_by_role("link", name="Original").count() == 0
    assert JAVASCRIPT_URL in page.locator("body").inner_text()


def test_map_marker_tooltip_popup_and_selection_are_text(watched: tuple, base_url: str) -> None:
    page, _ = watched
    page.goto(base_url + "/map")
    page.wait_for_selector("#map[data-ready='true']", timeout=15000)
    marker = page.locator("path.event-marker").first
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5000)
    assert SCRIPT in tooltip.inner_text() and IMG in tooltip.inner_text()
    marker.click()
    page.locator(".leaflet-popup").wait_for(timeout=5000)
    assert_inert(page, PAYLOADS)
    assert (
        page.locator("#selection a.event-link")
        .first.get_attribute("href", timeout=2000)
        .startswith("/documents/")
    )


def test_sites_map_popup_is_text(watched: tuple, base_url: str) -> None:
    page, _ = watched
    page.goto(base_url + "/sites")
    circle = page.locator("#sites-map .leaflet-overlay-pane path.leaflet-interactive[fill-opacity]").first
    circle.wait_for(timeout=15000)
    circle.click()
    popup = page.locator(".leaflet-popup")
    popup.wait_for(timeout=5000)
    assert SCRIPT in popup.inner_text()
    assert_inert(page, PAYLOADS)


def test_error_page_shows_a_hostile_id_as_text(watched: tuple, base_url: str) -> None:
    page, incidents = watched
    response = page.goto(base_url + "/stories/" + quote(SCRIPT + IMG, safe=""))
    assert response is not None and response.status == 404
    assert_inert(page, [])
    # The browser reports the 404 of the page itself; nothing else may be logged.
    incidents.console_errors[:] = [error for error in incidents.console_errors if "404" not in error]
