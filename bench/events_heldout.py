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
from collections import defaultdict
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
    totals = {"gold": 0, "pred": 0, "strict": 0, "loose": 0}
    field_right: dict[str, int] = defaultdict(int)
    field_seen: dict[str, int] = defaultdict(int)
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # gold, pred, loose tp
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
        strict_pairs = scoring.match(golds, events, strict=True)
        loose_pairs = scoring.match(golds, events, strict=False)
        totals["gold"] += len(golds)
        totals["pred"] += len(events)
        totals["strict"] += len(strict_pairs)
        totals["loose"] += len(loose_pairs)
        for gold, _ in golds:
            per_type[gold["type"]][0] += 1
        for event in events:
            per_type[event.type][1] += 1
        label = f"{int(gold_doc['row']):04d}"
        for g_index, p_index in loose_pairs:
            gold, event = golds[g_index][0], events[p_index]
            per_type[gold["type"]][2] += 1
            for name in scoring.FIELDS:
                if name not in gold:
                    continue
                field_seen[name] += 1
                if scoring.field_matches(name, gold[name], getattr(event, name)):
                    field_right[name] += 1
                elif args.show_errors:
                    print(
                        f"  {label} {gold['type']:<9} {name:<14} gold={gold[name]!r} got={getattr(event, name)!r}"
                    )
        if args.show_errors:
            matched_gold = {g for g, _ in loose_pairs}
            matched_pred = {p for _, p in loose_pairs}
            for index, (gold, _) in enumerate(golds):
                if index not in matched_gold:
                    print(f"  {label} MISSED {gold['type']:<9} {gold['trigger']!r} @{gold['start']}")
            for index, event in enumerate(events):
                if index not in matched_pred:
                    print(f"  {label} EXTRA  {event.type:<9} {event.trigger!r} @{event.evidence_start}")

    print(
        f"\nHeld-out event coding on {len(gold_files)} 10kGNAD articles, {totals['gold']} gold events, "
        f"{totals['pred']} predicted ({how})\n"
    )
    print(f"{'match':<34}{'P':>7}{'R':>7}{'F1':>7}")
    for label, key in (("strict (type+evidence+date+place)", "strict"), ("loose (type+evidence)", "loose")):
        p, r, f = scoring._prf(totals[key], totals["pred"], totals["gold"])
        print(f"{label:<34}{p:7.2f}{r:7.2f}{f:7.2f}")
    print(f"\n{'type':<12}{'gold':>6}{'pred':>6}{'P':>7}{'R':>7}")
    for event_type in sorted(per_type):
        gold_n, pred_n, tp = per_type[event_type]
        p, r, _ = scoring._prf(tp, pred_n, gold_n)
        print(f"{event_type:<12}{gold_n:>6}{pred_n:>6}{p:7.2f}{r:7.2f}")
    print(f"\n{'field (over loose matches)':<28}{'right':>7}{'coded':>7}{'acc':>7}")
    for name in scoring.FIELDS:
        if field_seen[name]:
            print(
                f"{name:<28}{field_right[name]:>7}{field_seen[name]:>7}{field_right[name] / field_seen[name]:7.2f}"
            )


if __name__ == "__main__":
    main()
