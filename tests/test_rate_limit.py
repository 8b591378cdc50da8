"""Per-client rate limits: 429 JSON with Retry-After, separate buckets per client and per
write token, refusals counted as ``api.rate_limited`` in ``lagebild stats``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api_fixtures import build_store
from lagebild.api import RateLimit, create_app
from lagebild.api.ratelimit import COUNTER, RATE_ENV, TokenBuckets
from lagebild.store import Store

TOKEN = "rate-test-token"


@pytest.fixture
def fixture_store(tmp_path: Path) -> Iterator[Store]:
    store = build_store(tmp_path / "rate.db")
    yield store
    store.close()


def _client(store: Store, limit: RateLimit, address: str = "10.0.0.1") -> TestClient:
    return TestClient(create_app(store, token=TOKEN, rate_limit=limit), client=(address, 50000))


def test_reads_beyond_the_burst_get_a_json_429_with_retry_after(fixture_store: Store) -> None:
    client = _client(fixture_store, RateLimit(per_minute=6, burst=3))
    statuses = [client.get("/api/v1/counts").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get("/api/v1/events")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["error"]["status"] == 429
    # 6 per minute: one token every 10 s.
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    assert refused.headers["content-security-policy"].startswith("default-src 'self'")
    # Pages count as reads too; static files are never counted.
    assert client.get("/").status_code == 429
    assert client.get("/static/app.css").status_code == 200


def test_each_client_address_has_its_own_bucket(fixture_store: Store) -> None:
    app = create_app(fixture_store, rate_limit=RateLimit(per_minute=60, burst=2))
    first = TestClient(app, client=("10.0.0.1", 50000))
    second = TestClient(app, client=("10.0.0.2", 50000))
    assert [first.get("/api/v1/counts").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/counts").status_code == 200


def test_writes_have_their_own_smaller_bucket_per_token(fixture_store: Store) -> None:
    limit = RateLimit(per_minute=600, writes_per_minute=60, write_burst=1)
    client = _client(fixture_store, limit)
    wrong = {"Authorization": "Bearer wrong"}
    right = {"Authorization": f"Bearer {TOKEN}"}
    # An invalid body is refused (422) after the limiter let it through; the next write with
    # the same token is refused by the limiter before it is even read.
    assert client.post("/api/v1/documents", json={}, headers=right).status_code == 422
    assert client.post("/api/v1/documents", json={}, headers=right).status_code == 429
    # Another token from the same address has its own bucket; reads are unaffected.
    assert client.post("/api/v1/documents", json={}, headers=wrong).status_code == 401
    assert client.get("/api/v1/counts").status_code == 200


def test_zero_disables_the_limit(fixture_store: Store) -> None:
    client = _client(fixture_store, RateLimit(per_minute=0, writes_per_minute=0))
    assert {client.get("/api/v1/counts").status_code for _ in range(50)} == {200}


def test_limit_from_environment(fixture_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RATE_ENV, "2")
    client = TestClient(create_app(fixture_store), client=("10.0.0.3", 50000))
    assert [client.get("/api/v1/counts").status_code for _ in range(3)] == [200, 200, 429]
    monkeypatch.setenv(RATE_ENV, "many")
    with pytest.raises(ValueError, match=RATE_ENV):
        create_app(fixture_store)


def test_refusals_are_counted_and_shown_by_stats(fixture_store: Store, tmp_path: Path) -> None:
    from lagebild.cli.documents import app as cli  # importing the module registers `stats`

    with _client(fixture_store, RateLimit(per_minute=60, burst=1)) as client:
        statuses = [client.get("/api/v1/counts").status_code for _ in range(6)]
    assert statuses.count(429) == 5
    # The first refusal is written at once, the rest when the app shuts down.
    assert fixture_store.counters()[COUNTER] == 5
    result = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "rate.db")])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if COUNTER in line)
    assert row.replace("│", " ").split() == [COUNTER, "5"]


def test_buckets_refill_over_time_and_stay_bounded() -> None:
    buckets = TokenBuckets(per_minute=60, burst=2)
    assert buckets.take("a", 0.0) == 0.0
    assert buckets.take("a", 0.0) == 0.0
    assert buckets.take("a", 0.0) == pytest.approx(1.0)
    assert buckets.take("a", 0.5) == pytest.approx(0.5)
    assert buckets.take("a", 1.0) == 0.0
    for number in range(12_000):
        buckets.take(f"client-{number}", 100.0 + number)
    assert len(buckets._buckets) <= 10_001
