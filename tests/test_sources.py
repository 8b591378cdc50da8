"""Readers: every supported container on small fixtures, and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lagebild.config import Limits
from lagebild.models import RawDocument
from lagebild.sources import ReadFailure, iter_inputs

ARTICLE = "<html><head><title>{title}</title></head><body><article><p>{body}</p></article></body></html>"


def read_all(*paths: Path, limits: Limits | None = None) -> tuple[list[RawDocument], list[ReadFailure]]:
    items = list(iter_inputs(paths, limits=limits or Limits()))
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, ReadFailure)],
    )


def write_warc(path: Path, pages: list[tuple[str, str]], *, gzipped: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzipped)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode()), http_headers=headers
            )
            writer.write_record(record)
        request = writer.create_warc_record(
            "https://example.org/a", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)


def test_text_and_html_files_are_read_with_media_types(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Ein Bericht aus Almaty.\n", encoding="utf-8")
    (tmp_path / "b.html").write_text(ARTICLE.format(title="T", body="Text"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.htm").write_text(ARTICLE.format(title="U", body="Mehr"), encoding="utf-8")
    docs, failures = read_all(tmp_path)
    assert not failures
    assert [(Path(d.source).name, d.media_type) for d in docs] == [
        ("a.txt", "text/plain"),
        ("b.html", "text/html"),
        ("c.htm", "text/html"),
    ]


@pytest.mark.parametrize("gzipped", [False, True])
def test_warc_response_records_become_documents(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    write_warc(
        path,
        [
            ("https://example.org/one", ARTICLE.format(title="Eins", body="Erster Bericht")),
            ("https://example.org/two", ARTICLE.format(title="Zwei", body="Zweiter Bericht")),
        ],
        gzipped=gzipped,
    )
    docs, failures = read_all(path)
    assert not failures
    assert [d.url for d in docs] == ["https://example.org/one", "https://example.org/two"]
    assert b"Zweiter Bericht" in docs[1].data
    assert all(d.media_type == "text/html" and d.fetched_at is not None for d in docs)


def test_truncated_warc_keeps_records_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    pages = [
        ("https://example.org/one", ARTICLE.format(title="Eins", body=os.urandom(800).hex())),
        ("https://example.org/two", ARTICLE.format(title="Zwei", body=os.urandom(800).hex())),
    ]
    write_warc(path, pages, gzipped=True)
    path.write_bytes(path.read_bytes()[:2000])  # each response takes ~1,250 bytes: cut inside the second
    docs, failures = read_all(path)
    assert [d.url for d in docs] == ["https://example.org/one"]
    assert len(failures) == 1 and "crawl.warc.gz" in failures[0].source
    assert "truncated" in failures[0].reason


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Steppe Nachrichten</title><link>https://steppe.example/</link>
<item><title>Proteste in Aktau</title><link>https://steppe.example/1</link>
<pubDate>Wed, 05 Jan 2022 10:00:00 GMT</pubDate><description>Kurz</description>
<content:encoded><![CDATA[<p>Tausende protestierten in Aktau gegen hohe Gaspreise.</p>]]></content:encoded></item>
<item><title>Ruhe in Almaty</title><link>https://steppe.example/2</link>
<description>In Almaty blieb es am Montag ruhig.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:x</id><updated>2022-01-13T00:00:00Z</updated>
<entry><title>Rückzug beginnt</title><id>urn:1</id><link href="https://atom.example/1"/>
<updated>2022-01-13T08:00:00Z</updated><content type="html">&lt;p&gt;Der Rückzug der Truppen hat begonnen.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_entries_carry_full_text_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    docs, failures = read_all(tmp_path / "news.rss")
    assert not failures and len(docs) == 2
    first, second = docs
    assert b"Tausende protestierten in Aktau" in first.data
    assert first.hints == {
        "title": "Proteste in Aktau",
        "outlet": "Steppe Nachrichten",
        "url": "https://steppe.example/1",
        "published": "2022-01-05",
    }
    assert b"In Almaty blieb es" in second.data and "published" not in second.hints


def test_atom_feed_detected_by_content_without_suffix(tmp_path: Path) -> None:
    (tmp_path / "wire").write_text(ATOM, encoding="utf-8")
    docs, failures = read_all(tmp_path / "wire")
    assert not failures
    assert [(d.hints["title"], d.hints["published"], d.url) for d in docs] == [
        ("Rückzug beginnt", "2022-01-13", "https://atom.example/1")
    ]
    assert b"Der R\xc3\xbcckzug der Truppen" in docs[0].data


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": "https://x.example/1",
                "title": "Eins",
                "text": "Erster Text.",
                "published": "2022-01-06",
                "outlet": "X",
                "language": "de",
            }
        ),
        "{not json",
        json.dumps({"url": "https://x.example/2", "html": "<p>Zweiter Text.</p>"}),
        json.dumps(["a", "list"]),
        json.dumps({"url": "https://x.example/3", "text": 42}),
        "",
    ]
    path = tmp_path / "batch.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    docs, failures = read_all(path)
    assert [(d.source, d.media_type) for d in docs] == [
        ("https://x.example/1", "text/plain"),
        ("https://x.example/2", "text/html"),
    ]
    assert docs[0].hints["published"] == "2022-01-06" and docs[0].hints["outlet"] == "X"
    assert [f.source.rsplit("#", 1)[1] for f in failures] == ["L2", "L4", "L5"]
    assert "invalid JSON" in failures[0].reason


def test_gzipped_text_is_decompressed(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(b"Tokajew sprach mit Putin."))
    docs, _ = read_all(tmp_path / "a.txt.gz")
    assert docs[0].data == b"Tokajew sprach mit Putin." and docs[0].media_type == "text/plain"


def test_user_hints_fill_gaps_but_do_not_override(tmp_path: Path) -> None:
    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    items = list(iter_inputs([tmp_path / "news.rss"], hints={"published": "2024-11-22", "outlet": "Mine"}))
    assert [d.hints["published"] for d in items] == ["2022-01-05", "2024-11-22"]
    assert {d.hints["outlet"] for d in items} == {"Steppe Nachrichten"}


def test_bad_inputs_fail_one_by_one_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 500)
    (tmp_path / "truncated.txt.gz").write_bytes(gzip.compress(b"Text " * 300)[:-12])
    (tmp_path / "big.txt").write_bytes(b"a" * 3000)
    (tmp_path / "good.txt").write_text("Ein guter Bericht.", encoding="utf-8")
    (tmp_path / "cp1252.txt").write_bytes("Gespräch über Straßen".encode("cp1252"))
    locked = tmp_path / "locked.txt"
    locked.write_text("geheim")
    locked.chmod(0)
    docs, failures = read_all(tmp_path, limits=Limits(max_document_bytes=2048))
    reasons = {Path(f.source).name: f.reason for f in failures}
    assert {Path(d.source).name for d in docs} >= {"good.txt", "cp1252.txt"}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"] and "binary" in reasons["image.png"]
    assert "truncated" in reasons["truncated.txt.gz"] or "corrupt" in reasons["truncated.txt.gz"]
    assert "limit" in reasons["big.txt"]
    if os.geteuid() != 0:  # root reads anything
        assert reasons["locked.txt"] == "permission denied"
    assert "no such file" in read_all(tmp_path / "missing.txt")[1][0].reason


def test_gzip_bomb_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as handle:
        for _ in range(64):
            handle.write(b"\0" * (1 << 20))
    assert bomb.stat().st_size < 200_000
    docs, failures = read_all(bomb, limits=Limits(max_document_bytes=1 << 20))
    assert not docs and "limit" in failures[0].reason


def test_feed_with_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title><item><title>x</title><description>&lol2;</description></item>
</channel></rss>"""
    (tmp_path / "laughs.rss").write_text(laughs)
    xxe = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>x</title><description>&xxe;</description></item>
</channel></rss>"""
    (tmp_path / "xxe.rss").write_text(xxe)
    docs, failures = read_all(tmp_path)
    assert not docs
    assert all("entities" in f.reason for f in failures) and len(failures) == 2
