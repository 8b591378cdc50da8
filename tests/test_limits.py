"""Resource limits and hostile query values.

- a document above the size limit is refused with a clear reason and counted as ``failed_inputs``;
- mentions and events per document are cut to the configured caps, and ``lagebild stats``
  shows how many were cut (``limit.mentions_per_document``, ``limit.events_per_document``);
- hostile filter values (SQL fragments, LIKE wildcards, 100 kB strings, NUL bytes, invalid
  UTF-8) give 200 with no extra rows or a 4xx — never a 500 — on SQLite and PostgreSQL.

Oversized API bodies (413, declared and streamed) are covered by
``tests/test_api.py::test_body_limit_413_declared_and_streamed``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import anyio
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from typer.testing import CliRunner

from api_fixtures import populate
from lagebild.api import RateLimit, create_app
from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.ingest import ingest_paths
from lagebild.store import Store, open_store
from lagebild.store.schema import EventRow, MentionRow


def _stats_rows(db: str) -> dict[str, str]:
    from lagebild.cli.documents import app as cli  # importing the module registers `stats`

    result = CliRunner().invoke(cli, ["stats", "--db", db])
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.output.splitlines():
        cells = line.replace("│", " ").split()
        if len(cells) == 2:
            rows[cells[0]] = cells[1]
    return rows


def test_default_limits_are_the_documented_ones() -> None:
    assert DEFAULT_LIMITS.max_document_bytes == 10 * 1024 * 1024
    assert DEFAULT_LIMITS.max_expanded_bytes == 2 * 1024**3
    assert DEFAULT_LIMITS.max_mentions_per_document == 5000
    assert DEFAULT_LIMITS.max_events_per_document == 500


def test_a_document_above_the_size_limit_is_refused_and_counted(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Proteste in Almaty. " * (DEFAULT_LIMITS.max_document_bytes // 20 + 1))
    small = tmp_path / "small.txt"
    small.write_text("Am 5. Januar 2022 demonstrierten Tausende in Almaty.", encoding="utf-8")
    db = tmp_path / "limits.db"
    store = open_store(str(db))
    summary = ingest_paths(store, [big, small], with_analysis=False)
    assert (summary.new, summary.failed) == (1, 1)
    assert "larger than the 10 MB document limit" in summary.failures[0].reason
    assert store.counters()["failed_inputs"] == 1
    store.close()
    assert _stats_rows(str(db))["failed_inputs"] == "1"


def test_mentions_and_events_per_document_are_cut_to_the_caps(tmp_path: Path) -> None:
    people = [
        "Wladimir Putin",
        "Kassym-Schomart Tokajew",
        "Alexander Lukaschenko",
        "Olaf Scholz",
        "Emmanuel Macron",
        "Recep Tayyip Erdoğan",
    ]
    places = ["Almaty", "Aktau", "Astana", "Moskau", "Minsk", "Berlin", "Paris", "Ankara"]
    sentences = [
        f"{person} traf am {day}. Januar 2022 in {place} ein. Tausende demonstrierten in {place}."
        for day, (person, place) in enumerate(zip(people * 2, places * 2, strict=False), start=1)
    ]
    report = tmp_path / "many-names.txt"
    report.write_text("Lagebericht\n\n" + " ".join(sentences), encoding="utf-8")
    db = tmp_path / "caps.db"
    store = open_store(str(db))
    caps = Limits(max_mentions_per_document=5, max_events_per_document=1)
    summary = ingest_paths(store, [report], limits=caps)
    assert summary.new == 1
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(MentionRow)) == 5
        assert session.scalar(select(func.count()).select_from(EventRow)) <= 1
    counters = store.counters()
    store.close()
    # Twelve sentences name a person and a place each: far more than five mentions were cut.
    assert counters["limit.mentions_per_document"] >= 10
    rows = _stats_rows(str(db))
    assert rows["limit.mentions_per_document"] == str(counters["limit.mentions_per_document"])
    if "limit.events_per_document" in counters:
        assert rows["limit.events_per_document"] == str(counters["limit.events_per_document"])


# -- hostile filter values --------------------------------------------------------------------

HOSTILE_VALUES = [
    "' OR 1=1 --",
    "x' OR '1'='1",
    "%",
    "_",
    "%%",
    "\\",
    "\\%",
    "'; DROP TABLE events; --",
    "a\x00b",
    "\x00",
    "x" * 100_000,
]
#: (endpoint, parameter) pairs that filter rows by a client-given string.
FILTERS = [
    ("/api/v1/events", "type"),
    ("/api/v1/events", "actor"),
    ("/api/v1/events", "target"),
    ("/api/v1/events", "place"),
    ("/api/v1/events", "entity"),
    ("/api/v1/events", "outlet"),
    ("/api/v1/events", "language"),
    ("/api/v1/events", "document"),
    ("/api/v1/events", "story"),
    ("/api/v1/timeline", "place"),
    ("/api/v1/entities", "q"),
    ("/api/v1/entities", "type"),
    ("/api/v1/documents", "outlet"),
    ("/api/v1/documents", "language"),
    ("/api/v1/mentions", "entity"),
    ("/api/v1/mentions", "label"),
    ("/api/v1/claims", "status"),
    ("/api/v1/claims", "attribute"),
    ("/api/v1/search", "q"),
    ("/entities", "q"),
    ("/search", "q"),
]


def asgi_get(app: FastAPI, path: str, query: bytes) -> tuple[int, bytes]:
    """GET ``path?query`` straight through the ASGI app: no client rewrites or refuses the
    query string (httpx refuses URLs above 64 kB and re-encodes invalid escapes)."""
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    anyio.run(app, scope, receive, send)
    status = next(message["status"] for message in messages if message["type"] == "http.response.start")
    body = b"".join(
        message.get("body", b"") for message in messages if message["type"] == "http.response.body"
    )
    return status, body


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    from conftest import _fresh_postgres_url

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'filters.db'}"
    else:
        base = os.environ.get("LAGEBILD_TEST_PG_URL")
        if not base:
            pytest.skip(
                "no PostgreSQL server: set LAGEBILD_TEST_PG_URL (source scripts/start_test_postgres.sh)"
            )
        url = _fresh_postgres_url(base)
    store: Store = open_store(url)
    populate(store)
    yield create_app(store, rate_limit=RateLimit(per_minute=0))
    store.close()


def _rows(path: str, body: bytes) -> list:
    data = json.loads(body)
    return data["buckets"] if path.endswith("/timeline") else data["items"]


@pytest.mark.parametrize(("path", "parameter"), FILTERS)
def test_hostile_filter_values_never_match_everything_or_fail(
    hostile_app: FastAPI, path: str, parameter: str
) -> None:
    for value in HOSTILE_VALUES:
        status, body = asgi_get(hostile_app, path, urlencode({parameter: value}).encode())
        assert status < 500, (parameter, value[:40], body[:300])
        if status == 200 and path.startswith("/api/"):
            assert _rows(path, body) == [], (parameter, value[:40])


@pytest.mark.parametrize("raw_value", [b"%FF%FE", b"%C3%28", b"%ED%A0%80", b"%00", b"%E2%82", b"%", b"%zz"])
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/events", "actor"),
        ("/api/v1/entities", "q"),
        ("/api/v1/documents", "outlet"),
        ("/search", "q"),
    ],
)
def test_invalid_percent_encodings_never_fail(
    hostile_app: FastAPI, path: str, parameter: str, raw_value: bytes
) -> None:
    status, body = asgi_get(hostile_app, path, parameter.encode() + b"=" + raw_value)
    assert status < 500, body[:300]
    if status == 200 and path.startswith("/api/"):
        assert _rows(path, body) == []
