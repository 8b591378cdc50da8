"""Shared fixtures: the bundled sample corpus and throw-away stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing in the test suite may reach a model hub

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "examples" / "kz-2022-de"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def sample_texts() -> dict[str, str]:
    """The five sample documents keyed by their three-digit prefix ("000" … "004")."""
    return {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(SAMPLE_DIR.glob("*.txt"))}


@pytest.fixture
def store(tmp_path: Path) -> Iterator:
    from lagebild.store import open_store

    opened = open_store(str(tmp_path / "test.db"))
    yield opened
    opened.close()


def _fresh_postgres_url(base: str) -> str:
    """A new, empty database on the test server, so each test starts clean."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on SQLite and on a real PostgreSQL server (skipped without one)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    base = os.environ.get("LAGEBILD_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server: set LAGEBILD_TEST_PG_URL (source scripts/start_test_postgres.sh)")
    return _fresh_postgres_url(base)


@pytest.fixture
def any_store(any_database_url: str) -> Iterator:
    """The same store tests on SQLite and on PostgreSQL."""
    from lagebild.store import open_store

    opened = open_store(any_database_url)
    yield opened
    opened.close()
