"""Cleaning of the sample text dumps, HTML pages and badly encoded bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lagebild.documents import ExtractionError, build_document
from lagebild.documents.dedup import content_id
from lagebild.models import RawDocument

ROOT = Path(__file__).resolve().parents[1]
CORPUS = next(
    (path for path in (ROOT / "examples" / "kz-2022-de", ROOT.parent / "shared" / "corpus" / "kz-2022-de")
     if path.is_dir()),
    None,
)  # fmt: skip
HTML = Path(__file__).parent / "fixtures" / "html"


def sample(prefix: str):
    if CORPUS is None:
        pytest.skip("sample corpus kz-2022-de not found")
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    return build_document(RawDocument(path.read_bytes(), path.name, "text/plain"))


# (file prefix, title, sentences that must stay, boilerplate lines that must go)
SAMPLES = [
    (
        "000",
        "Solch eine Kuh braucht man selbst: Kasachstan verstärkt Schutz von militärischen und zivilen "
        "Objekten nach dem „Haselnuss“-Angriff auf die Ukraine",
        [
            "Putin versprach, dass Russland die Zivilbevölkerung im Falle weiterer Angriffe",
            "Empfehlungen für die Zukunft\nStärkung der Sicherheitsmaßnahmen:",
            "Langfristige Friedensinitiativen: Kasachstan könnte langfristige Programme",
            "„Der Präsident behält die Lage im Land unter seiner Kontrolle.",
        ],
        ["Kommentieren Sie den Artikel", "Bitte geben Sie", "\n0\n", "\n30\n"],
    ),
    (
        "001",
        "Friedensmission in Kasachstan: OVKS-Verbündete legen Fokus auf Schutz vor ausländischen Banden",
        [
            "Der armenische Premier hat derzeit den Vorsitz im OVKS-Sicherheitsrat inne.",
            "Unruhen in Kasachstan\n\nDie Massenproteste in Kasachstan hatten Anfang Januar begonnen.",
            "Generaloberst Andrej Serdjukow, Kommandeur der russischen Luftlandetruppen",
        ],
        [
            "Registrierung erfolgreich",
            "Klicken Sie bitte",
            "Zur Bilddatenbank",
            "SNA, 1920",
            "Abonnieren",
            "Tokajew meldet Präsenz ausländischer Kämpfer",
            "China stellt sich hinter",
            "Newsticker",
            "Neueste oben",
            "loader",
            "Live",
            "Chats",
            "Заголовок",
            "Diskussion teilzunehmen",
            "registrieren Sie sich",
        ],
    ),
    (
        "002",
        "Kasachstan unterstützt weder Russland noch die Ukraine",
        [
            '"Wir unterstützen keine der beiden Seiten. Das steht nicht zur Diskussion."',
            "Vize-Außenminister Schachrat Nuryschew hatte sich Anfang der Woche",
        ],
        ["date 2022-03"],
    ),
    (
        "003",
        "OVKS-Friedensmission in Kasachstan endet",
        [
            "hat bereits heute, am 13. Januar dieses Jahres, begonnen",
            "Die Erklärung des OVKS-Generalsekretärs Stanislav Zas fuhr fort:",
            "es wurde keine unmittelbare Wiederholung von Zusammenstößen beobachtet.",
        ],
        [
            "pic.twitter.com",
            "Liveuamap",
            "/ CSTO",
            "CSTO-Sekretariat YouTube",
            "Titelbild",
            "About admin",
            "Check Also",
            "Kampfhubschrauber",
        ],
    ),
    (
        "004",
        "Kasachstan geht in Flammen auf: Diplomatie und Spezialeinheiten als Feuerwehrleute im Einsatz",
        [
            "TASS, Reuters und verschiedene örtliche Zeugen berichteten",
            "Peking reagierte eher kühl:",
            "Die ersten Einheiten sind bereits gelandet.",
        ],
        ["David Rossi", "06/01/22", "Rahmen: ABC News"],
    ),
]


@pytest.mark.parametrize(("prefix", "title", "kept", "dropped"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_dump_is_cleaned(prefix: str, title: str, kept: list[str], dropped: list[str]) -> None:
    document = sample(prefix)
    assert document.title == title
    assert document.text.startswith(title + "\n\n")
    assert document.text.count(title) == 1
    for sentence in kept:
        assert sentence in document.text
    for boilerplate in dropped:
        assert boilerplate not in document.text + "\n"
    assert document.language == "de"
    assert document.id == content_id(document.text) and len(document.id) == 16


def test_sample_metadata() -> None:
    assert sample("001").outlet == "SNA"
    assert sample("004").author == "David Rossi"
    assert sample("000").outlet is None


def test_html_article_keeps_text_and_metadata() -> None:
    data = (HTML / "article_de.html").read_bytes()
    document = build_document(RawDocument(data, "article_de.html", "text/html"))
    assert document.title == "Schneechaos legt Bahnverkehr in Bayern lahm"
    assert document.outlet == "Alpenkurier"
    assert document.author == "Lena Hofbauer"
    assert (document.published, document.published_precision) == ("2023-12-02", "day")
    assert document.url == "https://www.alpenkurier.example/bayern/schneechaos-bahn-12345.html"
    assert "Die Deutsche Bahn stellte den Fernverkehr von und nach München" in document.text
    assert "Flughafen stellt Betrieb ein\n\nAuch am Münchner Flughafen" in document.text
    for boilerplate in ["Cookies", "Startseite", "Mehr zum Thema", "Lawinengefahr", "Schorsch_B",
                        "Theater mit der Bahn", "Impressum", "Newsletter", "Auf Facebook teilen"]:  # fmt: skip
        assert boilerplate not in document.text
    assert document.language == "de"


def test_html_is_sniffed_without_media_type_and_declared_charset_is_used() -> None:
    data = (HTML / "latin1_article.html").read_bytes()
    document = build_document(
        RawDocument(data, "latin1_article.html", None, url="https://www.oberweissbach.example/a")
    )
    assert document.title == "Gemeinderat beschließt Ausbau der Kläranlage"
    assert "Bürgermeister Jürgen Größlich betonte" in document.text
    assert "Startseite" not in document.text
    assert (document.published, document.published_precision) == ("2021-06-14", "day")
    assert document.outlet == "oberweissbach.example"


TEXT = "Überraschung in Köln\n\nDie Bürgermeisterin begrüßte am Montag die Gäste aus Düsseldorf und Gießen."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("cp1252"),
        TEXT.encode("latin-1"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
    ],
    ids=["cp1252", "latin-1", "utf-8-bom", "utf-16"],
)
def test_encodings_give_correct_umlauts(data: bytes) -> None:
    document = build_document(RawDocument(data, "t.txt", "text/plain"))
    assert document.text == TEXT
    assert document.title == "Überraschung in Köln"


def test_cp1252_quotes_and_dashes() -> None:
    text = "Der Minister sagte: „Wir bleiben neutral“ – und verließ den Saal nach zwei Stunden."
    document = build_document(RawDocument(text.encode("cp1252"), "t.txt"))
    assert document.text == text


def test_hints_win_over_detection() -> None:
    raw = RawDocument(
        TEXT.encode(),
        "feed",
        "text/plain",
        hints={"title": "Gäste in Köln", "published": "2024-05", "language": "de", "outlet": "Stadtblatt",
               "url": "https://stadtblatt.example/x"},
    )  # fmt: skip
    document = build_document(raw)
    assert document.title == "Gäste in Köln"
    assert (document.published, document.published_precision) == ("2024-05", "month")
    assert document.published_evidence is not None and "hint" in document.published_evidence
    assert document.outlet == "Stadtblatt"
    assert document.url == "https://stadtblatt.example/x"


def test_single_sentence_is_kept() -> None:
    document = build_document(RawDocument(b"Putin traf Tokajew am Montag in Moskau.", "cli"))
    assert document.text == "Putin traf Tokajew am Montag in Moskau."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary"),
        (bytes(range(256)) * 8, "binary"),
        (b"0\n30\n---\n12.5", "no text"),
        (b"<html><body><script>var x = 1;</script></body></html>", "no main text"),
    ],
)
def test_unusable_input_raises_extraction_error(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        build_document(RawDocument(data, "bad"))
    assert reason in caught.value.reason
    assert isinstance(caught.value, ValueError)


def test_raw_sha256_is_of_the_input_bytes() -> None:
    import hashlib

    data = TEXT.encode("cp1252")
    assert build_document(RawDocument(data, "t")).raw_sha256 == hashlib.sha256(data).hexdigest()


def test_text_labelled_html_without_tags_goes_through_the_line_filter() -> None:
    document = build_document(RawDocument(TEXT.encode(), "record", "text/html"))
    assert document.text == TEXT


OTHER_SITE_DUMP = """Menü
Suche
Bahnstreik trifft Pendler im ganzen Land
Von Anna Muster
13.03.2024
Teilen
Foto: dpa / Picture Alliance
Die Gewerkschaft der Lokführer hat ihre Mitglieder erneut zu einem bundesweiten Streik aufgerufen. Im Fernverkehr fallen nach Angaben der Bahn rund achtzig Prozent der Verbindungen aus.
Pendler müssen sich auch im Regionalverkehr auf erhebliche Einschränkungen einstellen, teilte das Unternehmen am Morgen mit.
Wie es weitergeht
Die Tarifparteien wollen in der kommenden Woche wieder verhandeln, ein Termin steht aber noch nicht fest.
12
Newsletter
Mehr zum Thema
Streikrecht: Was Reisende jetzt wissen müssen
"""


def test_line_filter_generalises_to_another_site_layout() -> None:
    document = build_document(RawDocument(OTHER_SITE_DUMP.encode(), "other.txt", "text/plain"))
    assert document.title == "Bahnstreik trifft Pendler im ganzen Land"
    assert document.author == "Anna Muster"
    assert (document.published, document.published_precision) == ("2024-03-13", "day")
    assert "Wie es weitergeht\nDie Tarifparteien wollen" in document.text
    assert "teilte das Unternehmen am Morgen mit." in document.text
    for boilerplate in ["Menü", "Suche", "Teilen", "Foto:", "\n12", "Newsletter", "Streikrecht"]:
        assert boilerplate not in document.text


def test_prose_that_mentions_furniture_words_is_kept() -> None:
    lines = [
        "Streit um Gebühren",
        "Der Verlag kündigte an, seinen Newsletter künftig nur noch gegen Gebühr zu verschicken.",
        "Die Preise stiegen im Januar um 5 / 6 Prozent, sagte die Ministerin.",
        "Das berichtete am Abend unter Berufung auf Kreise der Regierung in Berlin die Agentur dpa",
    ]
    document = build_document(RawDocument("\n".join(lines).encode(), "t.txt", "text/plain"))
    assert document.text == "\n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:])


def test_furniture_inside_the_html_article_is_removed() -> None:
    data = (HTML / "inline_furniture.html").read_bytes()
    document = build_document(RawDocument(data, "inline_furniture.html", "text/html"))
    assert document.title == "Waldbrand bei Jüterbog weitet sich aus"
    assert (document.outlet, document.author) == ("Märkische Rundschau", "Tobias Wendt")
    assert (document.published, document.published_precision) == ("2023-06-05", "day")
    assert "Wegen alter Munition im Boden können die Einsatzkräfte" in document.text
    assert document.text.endswith("Der Rauch war bis nach Berlin zu sehen.")
    for boilerplate in ["Newsletter", "Lesen Sie auch", "Dürre in Brandenburg", "Foto:", "Teilen", "Meistgelesen",
                        "Jetzt abonnieren", "Impressum"]:  # fmt: skip
        assert boilerplate not in document.text
