"""The benchmark corpus builder (bench/corpus.py) on a tiny synthetic article list."""

from __future__ import annotations

import importlib.util
import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

from lagebild.models import RawDocument
from lagebild.sources.warc import read_warc

REPO = Path(__file__).resolve().parents[1]
TOPICS = ("Inland", "Sport", "Wirtschaft")


def _load_corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


def _article(number: int) -> str:
    sentences = [f"Der Gemeinderat von Ort{number} beschloss am Montag ein neues Budget für Projekt{number}."]
    sentences += [
        f"Satz {index} berichtet über Thema{number}x{index} mit Wort{number * 31 + index} und Zahl {index * number}."
        for index in range(1, 13)
    ]
    return " ".join(sentences)


def _write_csv(path: Path, count: int) -> None:
    lines = [f"{TOPICS[number % len(TOPICS)]};'{_article(number)}'" for number in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class _TagChecker(HTMLParser):
    """Checks that non-void tags close in order and collects the meta properties."""

    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("property"):
            self.meta[values["property"] or ""] = values.get("content") or ""
        if tag not in self.VOID:
            self.stack.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_pages_are_well_formed_html_with_metadata(tmp_path: Path) -> None:
    corpus = _load_corpus_module()
    csv_path = tmp_path / "articles.csv"
    _write_csv(csv_path, 6)
    manifest = corpus.build_corpus(csv_path, tmp_path / "out", docs=8, warc_files=2)

    pages = sorted((tmp_path / "out" / "html").glob("*.html"))
    assert len(pages) == manifest["documents"] == 8
    for page in pages:
        checker = _TagChecker()
        checker.feed(page.read_text(encoding="utf-8"))
        assert not checker.errors, (page.name, checker.errors)
        assert not checker.stack, (page.name, checker.stack)
        assert checker.meta["og:site_name"] in {outlet.name for outlet in corpus.OUTLETS}
        assert checker.meta["article:published_time"].startswith(("2015-", "2016-"))
        assert "Gemeinderat" in checker.title
    templates = {page.read_text(encoding="utf-8").split("<body", 1)[1][:40] for page in pages}
    assert len(templates) == len(corpus.TEMPLATES)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["words"] == manifest["words"]


def test_warc_files_hold_every_page_as_an_html_response(tmp_path: Path) -> None:
    corpus = _load_corpus_module()
    csv_path = tmp_path / "articles.csv"
    _write_csv(csv_path, 5)
    corpus.build_corpus(csv_path, tmp_path / "out", docs=5, warc_files=2)

    records = [
        item for path in sorted((tmp_path / "out" / "warc").glob("*.warc.gz")) for item in read_warc(path)
    ]
    assert len(records) == 5
    assert all(isinstance(record, RawDocument) for record in records)
    html_bodies = {path.read_bytes() for path in (tmp_path / "out" / "html").glob("*.html")}
    assert {record.data for record in records} == html_bodies
    assert all(record.url and record.url.startswith("https://") for record in records)


def test_composite_pages_are_not_near_duplicates(tmp_path: Path) -> None:
    corpus = _load_corpus_module()
    csv_path = tmp_path / "articles.csv"
    _write_csv(csv_path, 12)
    articles = corpus.read_articles(csv_path)
    pages = list(corpus.make_pages(articles, 40))

    texts = [corpus.page_text(page.html) for page in pages]
    assert all(len(text.split()) > 40 for text in texts)
    assert corpus.near_duplicate_pairs(texts) == []
    # a reworded copy is still caught, so the check can fail
    assert corpus.near_duplicate_pairs([texts[0], texts[0].replace("Satz 3", "Satz drei")])
