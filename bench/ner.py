"""Score lagebild's German NER: P/R/F1 per type (exact span match, outer chunks) and throughput.

    python bench/ner.py                       # GermEval held-out dev portion + tests/gold/ner/*.tsv
    python bench/ner.py --data FILE [FILE ...]

Files are GermEval TSV (index, token, outer tag, ...) or CoNLL (token first, tag last); MISC counts
as OTH and GermEval's -deriv/-part tags as no entity (see scripts/ner_data.py).  Gold tokens are
fed to the model as they are, so tokenisation does not blur the score.  Throughput runs the full
path (``find_names_batch`` on raw text: sentence splitting, tokenising, NER) on the GermEval dev
sentences joined into paragraphs of 20 sentences.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from ner_data import (  # noqa: E402
    DEFAULT_DATA,
    LABELS,
    Sentence,
    entity_spans,
    germeval_split,
    read_tagged_file,
)

GOLD_DIR = REPO / "tests" / "gold" / "ner"


def count_matches(gold: list[list[str]], predicted: list[list[str]]) -> Counter:
    """True positives, false positives and false negatives per type, keys like ``("PER", "tp")``."""
    counts: Counter = Counter()
    for gold_tags, predicted_tags in zip(gold, predicted, strict=True):
        gold_spans = entity_spans(gold_tags)
        predicted_spans = entity_spans(predicted_tags)
        for span in gold_spans & predicted_spans:
            counts[span[2], "tp"] += 1
        for span in predicted_spans - gold_spans:
            counts[span[2], "fp"] += 1
        for span in gold_spans - predicted_spans:
            counts[span[2], "fn"] += 1
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_table(counts: Counter) -> dict[str, tuple[float, float, float, int]]:
    """Per type and ``ALL`` (micro): precision, recall, F1, gold count."""
    table = {}
    for label in (*LABELS, "ALL"):
        labels = LABELS if label == "ALL" else (label,)
        tp, fp, fn = (sum(counts[name, kind] for name in labels) for kind in ("tp", "fp", "fn"))
        table[label] = (*prf(tp, fp, fn), tp + fn)
    return table


def predict_tags(sentences: list[Sentence]) -> list[list[str]]:
    """BIO tags the packaged model assigns to the gold tokens."""
    from spacy.tokens import Doc

    from lagebild.nlp.ner import load_model

    nlp = load_model()
    docs = (Doc(nlp.vocab, words=tokens) for tokens, _ in sentences)
    predicted = []
    for doc in nlp.pipe(docs, batch_size=128):
        predicted.append([f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in {"B", "I"} else "O" for t in doc])
    return predicted


def with_gazetteer(sentences: list[Sentence], model_tags: list[list[str]]) -> list[list[str]]:
    """Tags after the pipeline adds knowledge-base names to the model's (``merge_mentions``)."""
    from lagebild.kb.link import find_known_mentions, merge_mentions
    from lagebild.models import Mention

    merged_tags = []
    for (tokens, _), tags in zip(sentences, model_tags, strict=True):
        starts, position = [], 0
        for token in tokens:
            starts.append(position)
            position += len(token) + 1
        text = " ".join(tokens)
        ner = [
            Mention(starts[first], starts[last - 1] + len(tokens[last - 1]), "", label)
            for first, last, label in entity_spans(tags)
        ]
        out = ["O"] * len(tokens)
        for mention in merge_mentions(ner, find_known_mentions(text)):
            inside = [i for i, start in enumerate(starts) if mention.start <= start < mention.end]
            for order, index in enumerate(inside):
                out[index] = f"{'B' if order == 0 else 'I'}-{mention.label}"
        merged_tags.append(out)
    return merged_tags


def throughput(sentences: list[Sentence], group: int = 20) -> tuple[int, float]:
    """Words and seconds for ``find_names_batch`` over the sentences as raw paragraphs."""
    from lagebild.nlp.ner import find_names_batch, load_model

    load_model()
    texts = [
        " ".join(" ".join(tokens) for tokens, _ in sentences[index : index + group])
        for index in range(0, len(sentences), group)
    ]
    words = sum(len(text.split()) for text in texts)
    started = time.perf_counter()
    find_names_batch(texts)
    return words, time.perf_counter() - started


def print_table(name: str, table: dict[str, tuple[float, float, float, int]]) -> None:
    print(f"\n{name}")
    print(f"{'type':<5} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    for label, (precision, recall, f1, support) in table.items():
        print(f"{label:<5} {precision:6.3f} {recall:6.3f} {f1:6.3f} {support:6d}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, nargs="*", help="tagged files to score (default: dev + gold)")
    parser.add_argument("--shared", type=Path, default=DEFAULT_DATA, help="folder holding germeval2014/")
    args = parser.parse_args()

    _, dev = germeval_split(args.shared / "germeval2014")
    datasets: list[tuple[str, list[Sentence]]] = []
    if args.data:
        datasets = [(str(path), read_tagged_file(path)) for path in args.data]
    else:
        datasets.append(("GermEval 2014 held-out dev (15% of dev+test by hash)", dev))
        gold = [sentence for path in sorted(GOLD_DIR.glob("*.tsv")) for sentence in read_tagged_file(path)]
        datasets.append((f"sample documents, hand-annotated ({GOLD_DIR.relative_to(REPO)})", gold))
    for name, sentences in datasets:
        predicted = predict_tags(sentences)
        gold_tags = [tags for _, tags in sentences]
        print_table(f"{name}: {len(sentences)} sentences", score_table(count_matches(gold_tags, predicted)))
        system = count_matches(gold_tags, with_gazetteer(sentences, predicted))
        print_table(
            f"{name}, model + knowledge-base gazetteer (the pipeline's mention finder)", score_table(system)
        )
    words, seconds = throughput(dev)
    print(
        f"\nthroughput: {words} words in {seconds:.2f} s = {words / seconds:,.0f} words/s (find_names_batch)"
    )


if __name__ == "__main__":
    main()
