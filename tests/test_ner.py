"""lagebild's packaged German NER model, the chunking around it and the NER bench scorer."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

from lagebild.nlp.ner import chunk_spans, find_names, find_names_batch, load_model

REPO = Path(__file__).resolve().parents[1]


def names(text: str) -> set[tuple[str, str]]:
    return {(mention.text, mention.label) for mention in find_names(text)}


def test_model_loads_from_package_with_sentences_and_entities() -> None:
    nlp = load_model()
    assert nlp.pipe_names[0] == "lagebild_sentences"
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG", "OTH"}
    doc = nlp("Die Lage ist ruhig. Am 13. Januar reiste Dr. Weber nach Bonn.")
    assert [sentence.text for sentence in doc.sents] == [
        "Die Lage ist ruhig.",
        "Am 13. Januar reiste Dr. Weber nach Bonn.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Bundeskanzler Olaf Scholz traf am Montag in Paris den französischen Präsidenten Emmanuel Macron.",
            {("Olaf Scholz", "PER"), ("Paris", "LOC"), ("Emmanuel Macron", "PER")},
        ),
        (
            "Die Europäische Union kündigte in Brüssel neue Sanktionen gegen Russland an.",
            {("Europäische Union", "ORG"), ("Brüssel", "LOC"), ("Russland", "LOC")},
        ),
        (
            "Nach Angaben von Siemens verlegt der Konzern sein Werk von Erlangen nach Polen.",
            {("Siemens", "ORG"), ("Erlangen", "LOC"), ("Polen", "LOC")},
        ),
    ],
)
def test_finds_names_in_unseen_sentences(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= names(text)


def test_mentions_point_into_the_text_and_carry_confidence() -> None:
    text = "Vorwort.\n\nIn Berlin sprach Angela Merkel mit Journalisten.\nDanach flog sie nach Wien."
    mentions = find_names(text)
    assert mentions, "expected names in the text"
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.label in {"PER", "LOC", "ORG", "OTH"}
        assert 0.0 < mention.confidence <= 1.0
        assert mention.entity_id is None
    assert ("Wien", "LOC") in {(m.text, m.label) for m in mentions}


def test_batch_matches_single_calls() -> None:
    texts = [
        "Wladimir Putin sprach in Moskau.",
        "",
        "Der Deutsche Bundestag tagt in Berlin. Die NATO beobachtet das.",
    ]
    assert find_names_batch(texts) == [find_names(text) for text in texts]


def test_chunks_keep_paragraphs_apart_and_stay_short() -> None:
    paragraph = "Die Armee rückte vor. " * 400
    text = (paragraph.strip() + "\n\n") * 3 + "x" * 12000
    spans = list(chunk_spans(text, max_chars=2000))
    assert all(end - start <= 2000 for start, end in spans)
    assert all("\n" not in text[start:end] for start, end in spans)
    covered = sum(len(text[start:end].replace(" ", "")) for start, end in spans)
    assert covered == len(text.replace(" ", "").replace("\n", ""))


@pytest.mark.slow
def test_one_megabyte_text_and_load_time() -> None:
    load_model.cache_clear()
    started = time.perf_counter()
    load_model()
    assert time.perf_counter() - started < 2.0
    text = "In Almaty protestierten Tausende gegen die Regierung von Tokajew. " * 16000
    assert len(text) > 1_000_000
    mentions = find_names(text)
    assert len([m for m in mentions if m.text == "Almaty"]) > 15000


def _load_bench() -> object:
    spec = importlib.util.spec_from_file_location("bench_ner", REPO / "bench" / "ner.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ner"] = module
    spec.loader.exec_module(module)
    return module


def test_bench_scores_exact_spans(tmp_path: Path) -> None:
    bench = _load_bench()
    germeval = tmp_path / "gold.tsv"
    germeval.write_text(
        "#\tsource\n1\tAngela\tB-PER\tO\n2\tMerkel\tI-PER\tO\n3\tin\tO\tO\n4\tBerlin\tB-LOC\tO\n"
        "5\tund\tO\tO\n6\tdeutsche\tB-LOCderiv\tO\n7\tEU-Politik\tB-ORGpart\tO\n\n",
        encoding="utf-8",
    )
    conll = tmp_path / "gold.conll"
    conll.write_text("Die O\nUNO B-ORG\nund O\nOlympia B-MISC\n", encoding="utf-8")
    gold = bench.read_tagged_file(germeval) + bench.read_tagged_file(conll)
    assert [tags for _, tags in gold] == [
        ["B-PER", "I-PER", "O", "B-LOC", "O", "O", "O"],
        ["O", "B-ORG", "O", "B-OTH"],
    ]
    predicted = [
        ["B-PER", "O", "O", "B-LOC", "O", "O", "O"],  # "Angela" alone: wrong span
        ["O", "B-ORG", "O", "B-ORG"],  # Olympia typed wrong
    ]
    counts = bench.count_matches([tags for _, tags in gold], predicted)
    assert counts["PER", "tp"] == 0 and counts["PER", "fp"] == 1 and counts["PER", "fn"] == 1
    assert counts["LOC", "tp"] == 1 and counts["ORG", "tp"] == 1
    assert counts["ORG", "fp"] == 1 and counts["OTH", "fn"] == 1
    table = bench.score_table(counts)
    precision, recall, f1, support = table["ALL"]
    assert (precision, recall, support) == (2 / 4, 2 / 4, 4)
    assert f1 == pytest.approx(0.5)
