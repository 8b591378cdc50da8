"""Read German NER corpora into one shape: sentences of (tokens, BIO tags over PER/LOC/ORG/OTH).

Each reader maps its corpus's classes to lagebild's four types; classes that are not names of
persons, places, organisations or other named things (dates, numbers, norms, triggers) become ``O``.
GermEval's ``-deriv`` and ``-part`` tags ("kasachischen", "EU-Gipfel") also become ``O``:
a mention is a name, not a word derived from or containing one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

Sentence = tuple[list[str], list[str]]

LABELS = ("PER", "LOC", "ORG", "OTH")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

SMARTDATA_MOBIE_TYPES = {
    "person": "PER",
    "location": "LOC",
    "location-city": "LOC",
    "location-street": "LOC",
    "location-stop": "LOC",
    "organization": "ORG",
    "organization-company": "ORG",
}
LEGAL_TYPES = {
    "PER": "PER",
    "RR": "PER",
    "AN": "PER",
    "LD": "LOC",
    "ST": "LOC",
    "STR": "LOC",
    "LDS": "LOC",
    "ORG": "ORG",
    "UN": "ORG",
    "INN": "ORG",
    "GRT": "ORG",
    "MRK": "ORG",
}
LEGAL_NORM_TYPES = {"GS", "VO", "EUN", "VS", "VT", "RS", "LIT"}
CONLL_TYPES = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "OTH", "MISC": "OTH"}


def map_tag(tag: str, mapping: dict[str, str]) -> str:
    """Map one BIO tag through a type mapping; unmapped types become ``O``."""
    if tag == "O" or len(tag) < 3 or tag[1] != "-":
        return "O"
    mapped = mapping.get(tag[2:])
    return f"{tag[0]}-{mapped}" if mapped else "O"


def repair_bio(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an ``X`` chunk into ``B-X`` (IOB1 leftovers, mapping gaps)."""
    repaired: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        repaired.append(tag)
        previous = tag
    return repaired


def _blocks(lines: Iterable[str]) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            if block:
                yield block
            block = []
            continue
        if line.startswith("#") and "\t" in line and not block:
            continue
        if line.startswith("-DOCSTART-"):
            continue
        block.append(re.split(r"\t| ", line) if "\t" not in line else line.split("\t"))
    if block:
        yield block


def read_germeval(path: Path) -> list[Sentence]:
    """GermEval 2014 TSV: index, token, outer tag, nested tag; ``#`` lines open sentences."""
    mapping = {label: label for label in LABELS}
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for block in _blocks(handle):
            tokens = [row[1] for row in block]
            tags = [map_tag(row[2], mapping) for row in block]
            sentences.append((tokens, repair_bio(tags)))
    return sentences


def read_conll(path: Path, mapping: dict[str, str] | None = None) -> list[Sentence]:
    """CoNLL-style file: token in the first column, BIO tag in the last; MISC counts as OTH."""
    mapping = mapping or CONLL_TYPES
    opener = gzip.open if path.suffix == ".gz" else open
    sentences = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for block in _blocks(handle):
            rows = [row for row in block if len(row) >= 2]
            tokens = [row[0] for row in rows]
            tags = [map_tag(row[-1], mapping) for row in rows]
            if tokens:
                sentences.append((tokens, repair_bio(tags)))
    return sentences


def read_tagged_file(path: Path) -> list[Sentence]:
    """GermEval TSV (index, token, tag, ...) or CoNLL (token ... tag), detected from the first token line."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith(("#", "-DOCSTART-")):
                fields = line.rstrip("\n").split("\t")
                is_germeval = len(fields) >= 3 and fields[0].isdigit()
                break
        else:
            return []
    return read_germeval(path) if is_germeval else read_conll(path)


def read_mobie(folder: Path) -> list[Sentence]:
    """MobIE CoNLL-2003 files (all three splits); transit routes ("S1", "A9") are not names here."""
    mapping = {key.upper(): value for key, value in SMARTDATA_MOBIE_TYPES.items()}
    sentences = []
    for split in ("train", "dev", "test"):
        path = folder / "ner_conll03_formatted" / f"{split}.conll2003"
        with path.open(encoding="utf-8") as handle:
            for block in _blocks(handle):
                tokens = [row[0] for row in block]
                tags = [map_tag(row[-1][:2] + row[-1][2:].upper(), mapping) for row in block]
                sentences.append((tokens, repair_bio(tags)))
    return sentences


def _json_objects(text: str) -> Iterator[dict]:
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return
        record, position = decoder.raw_decode(text, position)
        yield record


def read_smartdata(folder: Path) -> list[Sentence]:
    """SmartData v3 dev/test (token-level BIO tags inside Avro-JSON documents)."""
    mapping = {key.upper().replace("-", "_"): value for key, value in SMARTDATA_MOBIE_TYPES.items()}
    sentences = []
    for split in ("dev", "test"):
        with gzip.open(folder / "v3_20200302" / f"{split}.json.gz", "rt", encoding="utf-8") as handle:
            for record in _json_objects(handle.read()):
                text = record["text"]["string"]
                for sentence in record["sentences"]["array"]:
                    rows = sentence["tokens"]["array"]
                    tokens = [text[row["span"]["start"] : row["span"]["end"]] for row in rows]
                    tags = [map_tag(row["ner"]["string"], mapping) for row in rows]
                    kept = [(tok, tag) for tok, tag in zip(tokens, tags, strict=True) if tok.strip()]
                    if kept:
                        sentences.append(([t for t, _ in kept], repair_bio([g for _, g in kept])))
    return sentences


def read_legal(folder: Path, limit: int, seed: int) -> list[Sentence]:
    """LER court decisions, down-weighted: only sentences with a PER/LOC/ORG name and no norm or
    citation (whose tokens would otherwise teach ``O`` for "Grundgesetz"), sampled to ``limit``."""
    candidates = []
    for name in ("ler_dev.conll", "ler_test.conll"):
        with (folder / name).open(encoding="utf-8") as handle:
            for block in _blocks(handle):
                raw_tags = [row[-1] for row in block]
                if any(tag[2:] in LEGAL_NORM_TYPES for tag in raw_tags if tag != "O"):
                    continue
                tags = repair_bio([map_tag(tag, LEGAL_TYPES) for tag in raw_tags])
                if any(tag != "O" for tag in tags):
                    candidates.append(([row[0] for row in block], tags))
    random.Random(seed).shuffle(candidates)
    return candidates[:limit]


def read_europeana(folder: Path, window: int = 40) -> list[Sentence]:
    """Europeana historic newspapers (OCR): clean lines only, cut into pseudo-sentences at . ! ?."""
    valid = re.compile(r"^(O|[BI]-(PER|LOC|ORG))$")
    sentences: list[Sentence] = []
    for path in sorted(folder.glob("enp_DE.*.bio")):
        tokens: list[str] = []
        tags: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split(" ")
            if len(fields) != 2 or not valid.match(fields[1]) or line.startswith("#"):
                continue
            tokens.append(fields[0])
            tags.append(fields[1])
            if (fields[0] in {".", "!", "?"} and len(tokens) >= 5) or len(tokens) >= window:
                if tags[-1] == "O" or fields[0] in {".", "!", "?"}:
                    sentences.append((tokens, repair_bio(tags)))
                    tokens, tags = [], []
        if tokens:
            sentences.append((tokens, repair_bio(tags)))
    return sentences


def is_held_out(tokens: list[str], percent: int = 15) -> bool:
    """Deterministic dev membership: the sentence's SHA-1 (tokens joined by spaces) mod 100 < percent."""
    digest = hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
    return int(digest, 16) % 100 < percent


def germeval_split(folder: Path) -> tuple[list[Sentence], list[Sentence]]:
    """GermEval dev + test pooled, split 85/15 by sentence hash into (train, dev)."""
    train: list[Sentence] = []
    dev: list[Sentence] = []
    for name in ("NER-de-dev.tsv", "NER-de-test.tsv"):
        for sentence in read_germeval(folder / name):
            (dev if is_held_out(sentence[0]) else train).append(sentence)
    return train, dev


def entity_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Chunks of a BIO sequence as (start token, end token exclusive, type)."""
    spans = set()
    start, label = -1, ""
    for index, tag in enumerate([*tags, "O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label:
            spans.add((start, index, label))
        start, label = (index, tag[2:]) if tag != "O" else (-1, "")
    return spans
