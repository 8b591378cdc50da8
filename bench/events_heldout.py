"""Event coding on held-out news articles (10kGNAD) against hand-coded gold (tests/gold/events_heldout/).

The articles are not in the repository (CC BY-NC-SA): each gold file names a row of the
10kGNAD test split and the sha256 of its text, and locates events by the character offset
of a short trigger.  The text is read from the shared data at run time, the real pipeline
(``lagebild.pipeline.analyze``) codes it, and the scoring of ``bench/events.py`` (strict
and loose matches, per-field accuracy over loose matches) is applied.

    python bench/events_heldout.py [--data ../shared/data/10kgnad/articles.csv]
                                   [--gold tests/gold/events_heldout] [--show-errors]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

import yaml

from lagebild.models import Event

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "10kgnad" / "articles.csv"


def _load_sample_bench() -> Any:
    """The scoring functions of bench/events.py (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_events", Path(__file__).with_name("events.py"))
    if spec is None or spec.loader is None:
        raise SystemExit("bench/events.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # registered before running, as dataclasses there need it
    spec.loader.exec_module(module)
    return module


scoring = _load_sample_bench()


def read_articles(path: Path) -> list[tuple[str, str]]:
    """(topic, text) rows of the 10kGNAD CSV (``;`` delimiter, ``'`` quote, no header)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row[0], row[1]) for row in csv.reader(handle, delimiter=";", quotechar="'")]


def gold_spans(
    gold_doc: dict[str, Any], text: str, source: str
) -> list[tuple[dict[str, Any], tuple[int, int]]]:
    """Gold events with their trigger spans, checked against the text."""
    spans = []
    for gold in gold_doc["events"]:
        start = int(gold["start"])
        end = start + len(gold["trigger"])
        if text[start:end] != gold["trigger"]:
            raise SystemExit(f"{source}: trigger {gold['trigger']!r} not at offset {start}")
        spans.append((gold, (start, end)))
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="10kGNAD articles.csv")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold" / "events_heldout")
    parser.add_argument("--show-errors", action="store_true", help="list unmatched and wrong fields")
    args = parser.parse_args()

    articles = read_articles(args.data)
    tally = scoring.Tally()
    gold_files = sorted(args.gold.glob("*.yaml"))
    how = ""
    for gold_file in gold_files:
        gold_doc = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        text = articles[int(gold_doc["row"])][1]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != gold_doc["sha256"]:
            raise SystemExit(
                f"{gold_file.name}: row {gold_doc['row']} of {args.data} is not the annotated text"
            )
        published = str(gold_doc["published"]) if gold_doc.get("published") else None
        analysis, how = scoring.run_pipeline(text, published)
        events: list[Event] = analysis.events
        golds = gold_spans(gold_doc, text, gold_file.name)
        tally.add(
            golds,
            events,
            label=f"{int(gold_doc['row']):04d}",
            show_errors=args.show_errors,
            describe_gold=lambda gold: f"{gold['trigger']!r} @{gold['start']}",
            describe_event=lambda event: f"{event.trigger!r} @{event.evidence_start}",
        )

    print(
        f"\nHeld-out event coding on {len(gold_files)} 10kGNAD articles, {tally.totals['gold']} gold events, "
        f"{tally.totals['pred']} predicted ({how})\n"
    )
    tally.print_tables()


if __name__ == "__main__":
    main()
