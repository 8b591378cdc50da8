"""Score lagebild's time-expression finder on a gold JSONL file (TempEval-3 style).

Each line: ``{"text": ..., "dct": "YYYY-MM-DD" | "YYYY-MM" | "YYYY" | null,
"timexes": [{"start": int, "end": int, "value": str | null, "range_end"?: str | null}]}``.

Spans are scored strictly (same offsets) and relaxed (overlap), each gold and each system
expression matched at most once.  Value accuracy is over the relaxed matches: a match is right
when ``value`` agrees (and ``range_end`` too, where the gold line states one).  Value F1 counts
right values against all system and all gold expressions.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lagebild.models import TimeExpression
from lagebild.nlp.time import find_times

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "gold" / "time" / "sample.jsonl"
_PRECISION_BY_LENGTH = {10: "day", 7: "month", 4: "year"}


@dataclass
class Scores:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    right_values: int = 0
    expressions_per_second: float = 0.0

    @staticmethod
    def _f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def prf(self, hits: int) -> tuple[float, float, float]:
        precision = hits / self.system if self.system else 0.0
        recall = hits / self.gold if self.gold else 0.0
        return precision, recall, self._f1(precision, recall)

    @property
    def value_accuracy(self) -> float:
        return self.right_values / self.relaxed if self.relaxed else 0.0


def dct_precision(dct: str | None) -> str:
    """The precision a DCT string states by its length."""
    return _PRECISION_BY_LENGTH.get(len(dct), "day") if dct else "unknown"


def _match(
    gold: list[dict[str, Any]],
    system: list[TimeExpression],
    same: Callable[[dict[str, Any], TimeExpression], bool],
) -> list[tuple[dict[str, Any], TimeExpression]]:
    pairs: list[tuple[dict[str, Any], TimeExpression]] = []
    used: set[int] = set()
    for item in gold:
        for index, expression in enumerate(system):
            if index not in used and same(item, expression):
                used.add(index)
                pairs.append((item, expression))
                break
    return pairs


def _value_right(item: dict[str, Any], expression: TimeExpression) -> bool:
    if item.get("value") != expression.value:
        return False
    return "range_end" not in item or item["range_end"] == expression.range_end


def score(
    records: Iterable[dict[str, Any]], finder: Callable[..., list[TimeExpression]] = find_times
) -> Scores:
    """Score ``finder`` on gold records (see the module docstring)."""
    scores = Scores()
    elapsed = 0.0
    for record in records:
        dct = record.get("dct")
        started = time.perf_counter()
        system = finder(record["text"], dct=dct, dct_precision=dct_precision(dct))
        elapsed += time.perf_counter() - started
        gold = record["timexes"]
        scores.gold += len(gold)
        scores.system += len(system)
        scores.strict += len(_match(gold, system, lambda g, s: (g["start"], g["end"]) == (s.start, s.end)))
        relaxed = _match(gold, system, lambda g, s: g["start"] < s.end and s.start < g["end"])
        scores.relaxed += len(relaxed)
        scores.right_values += sum(_value_right(item, expression) for item, expression in relaxed)
    scores.expressions_per_second = scores.system / elapsed if elapsed else 0.0
    return scores


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report(scores: Scores) -> str:
    """A plain-text table of the scores."""
    rows = [f"{'measure':<16}{'P':>8}{'R':>8}{'F1':>8}"]
    for name, hits in (("strict span", scores.strict), ("relaxed span", scores.relaxed)):
        precision, recall, f1 = scores.prf(hits)
        rows.append(f"{name:<16}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}")
    precision, recall, f1 = scores.prf(scores.right_values)
    rows.append(f"{'value':<16}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}")
    rows.append(
        f"value accuracy {scores.value_accuracy:.3f} ({scores.right_values}/{scores.relaxed} relaxed matches); "
        f"gold {scores.gold}, system {scores.system}; {scores.expressions_per_second:,.0f} expressions/s"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="gold JSONL file")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs before the measured one")
    parser.add_argument("--errors", action="store_true", help="list gold and system expressions that differ")
    args = parser.parse_args()
    records = read_jsonl(args.data)
    for _ in range(args.warmup):
        score(records)
    print(f"{args.data.name}: {len(records)} documents")
    print(report(score(records)))
    if args.errors:
        for record in records:
            dct = record.get("dct")
            system = find_times(record["text"], dct=dct, dct_precision=dct_precision(dct))
            gold = {(g["start"], g["end"], g.get("value")) for g in record["timexes"]}
            found = {(s.start, s.end, s.value) for s in system}
            for start, end, value in sorted(gold ^ found):
                side = "gold" if (start, end, value) in gold else "sys "
                print(f"{record.get('id', '?')} {side} {record['text'][start:end]!r} {value}")


if __name__ == "__main__":
    main()
