"""Property tests: readers and cleaning survive generated and mutated hostile input.

Property: no uncaught exception, and every refused input comes back as a clear reason.
The long run (``pytest -m fuzz``) raises the example counts; see the README.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagebild
from lagebild.config import Limits
from lagebild.documents import ExtractionError
from lagebild.models import RawDocument
from lagebild.sources import ReadFailure, iter_inputs

FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LONG = settings(
    max_examples=int(os.environ.get("LAGEBILD_FUZZ_EXAMPLES", "3000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
SUFFIXES = [".txt", ".html", ".rss", ".atom", ".jsonl", ".warc", ".txt.gz", ".warc.gz", ".jsonl.gz", ""]
LIMITS = Limits(max_document_bytes=256 * 1024, max_expanded_bytes=4 * 1024 * 1024)

SEEDS = [
    b"<html><body><article><p>Tokajew sprach am 6. Januar in Almaty.</p></article></body></html>",
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>'
    b"<description>Proteste in Aktau</description></item></channel></rss>",
    b'{"url": "https://x.example/1", "text": "Putin und Tokajew telefonierten."}\n',
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 10\r\n\r\n0123456789\r\n\r\n",
    "Ein Bericht über Schangaösen, 06/01/22.\n".encode("cp1252", errors="replace"),
]

html_fragments = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<script>alert(1)</script>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<table><tr>",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>",
        "\x00",
        "Tokajew",
        " OVKS ",
        "Almaty",
        "<meta charset='utf-7'>",
        "<style>@import 'http://evil.example/x.css';</style>",
    ]
)


def mutate(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    buffer = bytearray(data)
    for position, value in flips:
        if buffer:
            buffer[position % len(buffer)] = value
    return bytes(buffer[:cut] if cut is not None else buffer)


def read_everything(path: Path) -> list[RawDocument | ReadFailure]:
    items = list(iter_inputs([path], limits=LIMITS))
    for item in items:
        if isinstance(item, ReadFailure):
            assert item.reason and "\n" not in item.reason
    return items


def clean_or_refuse(raw: RawDocument) -> None:
    try:
        document = lagebild.clean(raw.data, media_type=raw.media_type)
    except ExtractionError as error:
        assert str(error)
        return
    assert document.text.strip()


@FAST
@given(
    seed=st.sampled_from(SEEDS),
    suffix=st.sampled_from(SUFFIXES),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 400)),
)
def test_mutated_files_never_crash_a_reader(
    tmp_path: Path, seed: bytes, suffix: str, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = mutate(seed, flips, cut)
    if suffix.endswith(".gz"):
        data = gzip.compress(data)[: None if cut is None else max(cut, 10)]
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in read_everything(path):
        if isinstance(item, RawDocument):
            clean_or_refuse(item)


@FAST
@given(
    parts=st.lists(st.one_of(html_fragments, st.text(max_size=40)), max_size=60), depth=st.integers(0, 3000)
)
def test_malformed_and_deeply_nested_html_is_cleaned_or_refused(parts: list[str], depth: int) -> None:
    html = "<div>" * depth + "".join(parts) + "</span>" * (depth // 2)
    clean_or_refuse(RawDocument(html.encode("utf-8", errors="surrogatepass"), "<fuzz>", "text/html"))


@FAST
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_are_cleaned_or_refused(data: bytes) -> None:
    for media_type in ("text/plain", "text/html", None):
        clean_or_refuse(RawDocument(data, "<fuzz>", media_type))


@FAST
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.integers(),
            st.floats(allow_nan=True),
            st.text(max_size=20),
            st.lists(st.integers(), max_size=3),
            st.booleans(),
        ),
        min_size=6,
        max_size=6,
    )
)
def test_jsonl_with_wrong_types_fails_line_by_line(tmp_path: Path, values: list[object]) -> None:
    keys = ["url", "title", "text", "html", "published", "outlet"]
    path = tmp_path / "wrong.jsonl"
    path.write_text(
        json.dumps(dict(zip(keys, values, strict=True))) + "\n" + json.dumps({"text": "Gute Zeile."}) + "\n"
    )
    items = read_everything(path)
    assert any(isinstance(item, RawDocument) and item.data == b"Gute Zeile." for item in items)


def test_ten_megabyte_single_line_is_cleaned_or_refused() -> None:
    clean_or_refuse(RawDocument(("Tokajew " * 1_300_000).encode(), "<fuzz>", "text/plain"))


def test_nul_bytes_and_mixed_encodings(tmp_path: Path) -> None:
    mixed = (
        "Präsident Tokajew".encode() + b"\x00\x00" + "Straße".encode("latin-1") + "Токаев".encode("utf-16")
    )
    path = tmp_path / "mixed.txt"
    path.write_bytes(mixed)
    items = read_everything(path)
    assert all(isinstance(item, ReadFailure) and "binary" in item.reason for item in items)


@pytest.mark.fuzz
@LONG
@given(
    seed=st.sampled_from(SEEDS),
    suffix=st.sampled_from(SUFFIXES),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=32),
    cut=st.one_of(st.none(), st.integers(0, 2000)),
)
def test_long_fuzz_run_over_all_readers(
    tmp_path_factory: pytest.TempPathFactory,
    seed: bytes,
    suffix: str,
    flips: list[tuple[int, int]],
    cut: int | None,
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    data = mutate(seed, flips, cut)
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    for item in read_everything(path):
        if isinstance(item, RawDocument):
            clean_or_refuse(item)
