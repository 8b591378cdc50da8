"""Evaluate cleaning (main text, title, date) on a JSONL list of pages.

Each line: {"path": file relative to the JSONL, "with": [strings the text must contain],
"without": [strings it must not], "title": optional, "date": optional (null = unknown)}.
Scoring follows trafilatura's published evaluation: a "with" string found is a true
positive, missing a false negative; a "without" string found is a false positive, absent a
true negative.

    python bench/extract.py --data bench/data/extract_sample.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lagebild.documents import ExtractionError, build_document
from lagebild.models import Document, RawDocument

DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "extract_sample.jsonl"
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fn, self.fp, self.tn = (
            self.tp + other.tp,
            self.fn + other.fn,
            self.fp + other.fp,
            self.tn + other.tn,
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _normalise(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _raw(path: Path) -> RawDocument:
    media_type = "text/html" if path.suffix.lower() in _HTML_SUFFIXES else "text/plain"
    return RawDocument(path.read_bytes(), path.name, media_type)


def score(entry: dict, document: Document | None) -> tuple[Counts, list[str]]:
    """Counts for one page and a list of what went wrong."""
    text = document.text if document else ""
    counts, problems = Counts(), []
    for wanted in entry.get("with", []):
        if wanted in text:
            counts.tp += 1
        else:
            counts.fn += 1
            problems.append(f"missing {wanted!r}")
    for unwanted in entry.get("without", []):
        if unwanted in text:
            counts.fp += 1
            problems.append(f"kept {unwanted!r}")
        else:
            counts.tn += 1
    return counts, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL file of pages to evaluate")
    parser.add_argument("--repeat", type=int, default=20, help="timing runs over all pages")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)

    entries = [
        json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    base = args.data.resolve().parent
    raws = [_raw(base / entry["path"]) for entry in entries]

    total = Counts()
    titles = [0, 0]
    dates = [0, 0]
    print(f"{'page':42s} {'P':>5s} {'R':>5s} {'F1':>5s}  title  date")
    for entry, raw in zip(entries, raws, strict=True):
        try:
            document: Document | None = build_document(raw)
        except ExtractionError as error:
            document = None
            print(f"{entry['path']}: ExtractionError {error.reason}")
        counts, problems = score(entry, document)
        total.add(counts)
        title_mark = date_mark = "-"
        if "title" in entry:
            right = document is not None and _normalise(document.title) == _normalise(entry["title"])
            titles[0] += right
            titles[1] += 1
            title_mark = "ok" if right else "WRONG"
        if "date" in entry:
            right = (document.published if document else None) == entry["date"]
            dates[0] += right
            dates[1] += 1
            date_mark = "ok" if right else f"WRONG ({document.published if document else None})"
        name = Path(entry["path"]).name
        print(
            f"{name:42s} {counts.precision:5.2f} {counts.recall:5.2f} {counts.f1:5.2f}  {title_mark:5s}  {date_mark}"
        )
        if args.verbose:
            for problem in problems:
                print(f"    {problem}")

    start = time.perf_counter()
    for _ in range(args.repeat):
        for raw in raws:
            try:
                build_document(raw)
            except ExtractionError:
                pass
    elapsed = time.perf_counter() - start

    print()
    print(f"strings: TP={total.tp} FN={total.fn} FP={total.fp} TN={total.tn}")
    print(f"precision {total.precision:.3f}  recall {total.recall:.3f}  F1 {total.f1:.3f}")
    if titles[1]:
        print(f"title accuracy {titles[0]}/{titles[1]} = {titles[0] / titles[1]:.2f}")
    if dates[1]:
        print(f"date accuracy {dates[0]}/{dates[1]} = {dates[0] / dates[1]:.2f}")
    print(f"speed {len(raws) * args.repeat / elapsed:.0f} pages/s ({len(raws)} pages x {args.repeat} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
