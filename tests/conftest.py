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
