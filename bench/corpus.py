"""Benchmark corpora: real German news articles wrapped as realistic web pages, HTML and WARC.

The articles come from the 10kGNAD test split (CC BY-NC-SA 4.0), read at run time and
written only into an output directory, never into the repository. Each page carries
the furniture a real news site has (navigation, cookie banner, related links,
comments, footer) in one of several templates, with ``<title>``, ``og:site_name`` and
``article:published_time``.

Beyond the 1,028 articles, further pages are composites for the growth measurement:
paragraphs from several articles of the same topic, in shuffled order, so that no two
pages are near duplicates at the dedup threshold (0.7).

    python bench/corpus.py --out /tmp/lagebild-corpus --docs 1028 --warc-files 8 --check
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv"
SEED = 20260101
# 10kGNAD articles are from DER STANDARD, 2015–2016.
FIRST_DAY = datetime(2015, 6, 1, 6, 0, tzinfo=UTC)
DAYS = 365
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„\"(])")
_MONTHS = "Jänner Februar März April Mai Juni Juli August September Oktober November Dezember".split()
_COMMENTERS = ("Alpenblick", "kritischer_Leser", "Hofrat K.", "mondsee77", "Donauwelle", "R. Huber")
_COMMENT_PHRASES = (
    "Danke für den guten Überblick.",
    "Das sehe ich völlig anders.",
    "Wer soll das am Ende bezahlen?",
    "Wieder einmal typisch für diese Regierung.",
    "Interessant, aber es fehlt die Gegenseite.",
    "Ich warte auf die ersten Zahlen aus dem Ministerium.",
    "Endlich schreibt jemand darüber!",
    "Die Überschrift ist irreführend.",
)


@dataclass(frozen=True)
class Article:
    """One news article: its topic label and its text (lead and body in one field)."""

    topic: str
    text: str


@dataclass(frozen=True)
class Page:
    """A generated web page with the facts the benchmark needs about it."""

    name: str
    url: str
    html: str
    published: datetime
    words: int


@dataclass(frozen=True)
class Outlet:
    name: str
    host: str
    section_path: str


OUTLETS = (
    Outlet("Wiener Tagblatt", "www.wiener-tagblatt.example", "nachrichten"),
    Outlet("Alpenpost", "alpenpost.example", "artikel"),
    Outlet("Rheinischer Anzeiger", "www.rheinischer-anzeiger.example", "politik-und-wirtschaft"),
    Outlet("Nordsee Rundschau", "nordsee-rundschau.example", "meldungen"),
)


def read_articles(path: Path) -> list[Article]:
    """Read the 10kGNAD CSV (``;``-separated, ``'`` as quote, no header)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [Article(row[0], row[1]) for row in csv.reader(handle, delimiter=";", quotechar="'") if row]


def sentences(text: str) -> list[str]:
    """A simple sentence split, good enough to cut articles into paragraphs."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def paragraphs(text: str, rng: random.Random) -> list[str]:
    """The article's sentences after the lead, grouped into paragraphs of 2–4 sentences."""
    body = sentences(text)[1:]
    grouped: list[str] = []
    while body:
        size = rng.randint(2, 4)
        grouped.append(" ".join(body[:size]))
        body = body[size:]
    return grouped


def headline(text: str) -> str:
    """A headline from the lead sentence: its first words, without a closing full stop."""
    lead = sentences(text)[0] if text.strip() else "Meldung"
    words = lead.rstrip(".!?").split()
    return " ".join(words[:9]) if len(words) > 11 else " ".join(words)


def german_date(moment: datetime) -> str:
    return f"{moment.day}. {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


@dataclass(frozen=True)
class PageParts:
    """Everything a template lays out."""

    outlet: Outlet
    url: str
    title: str
    lead: str
    body: list[str]
    topic: str
    published: datetime
    author: str
    related: list[str]
    comments: list[tuple[str, str]]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _head(parts: PageParts) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(parts.title)} | {_esc(parts.outlet.name)}</title>\n"
        f'<meta property="og:site_name" content="{_esc(parts.outlet.name)}">\n'
        f'<meta property="og:title" content="{_esc(parts.title)}">\n'
        f'<meta property="og:url" content="{_esc(parts.url)}">\n'
        f'<meta property="article:published_time" content="{parts.published.isoformat()}">\n'
        f'<meta name="author" content="{_esc(parts.author)}">\n'
        f'<link rel="canonical" href="{_esc(parts.url)}">\n'
        '<script>window.dataLayer = window.dataLayer || []; dataLayer.push({"page": "article"});</script>\n'
        "<style>body{font-family:serif} .cookie{position:fixed;bottom:0}</style>\n</head>\n"
    )


def _nav_items(parts: PageParts) -> str:
    sections = ("Inland", "International", "Wirtschaft", "Sport", "Kultur", "Wissenschaft", "Etat", "Web")
    return "".join(
        f'<li><a href="https://{parts.outlet.host}/{section.lower()}">{section}</a></li>'
        for section in sections
    )


def _cookie_text(parts: PageParts) -> str:
    return (
        f"Wir verwenden Cookies, um Ihnen das beste Erlebnis auf {_esc(parts.outlet.name)} zu bieten. "
        "Mit der Nutzung der Seite stimmen Sie der Verwendung von Cookies zu."
    )


def _paragraph_html(body: Sequence[str]) -> str:
    return "\n".join(f"<p>{_esc(paragraph)}</p>" for paragraph in body)


def _comments_html(comments: Sequence[tuple[str, str]], item: str, user: str) -> str:
    return "\n".join(
        f'<div class="{item}"><span class="{user}">{_esc(name)}</span><p>{_esc(text)}</p></div>'
        for name, text in comments
    )


def _related_html(parts: PageParts) -> str:
    return "".join(
        f'<li><a href="https://{parts.outlet.host}/{parts.outlet.section_path}/{index}">{_esc(title)}</a></li>'
        for index, title in enumerate(parts.related, start=1)
    )


def _template_classic(parts: PageParts) -> str:
    return (
        _head(parts)
        + '<body>\n<div id="cookie-consent" class="cookie"><p>'
        + _cookie_text(parts)
        + "</p><button>Akzeptieren</button><button>Einstellungen</button></div>\n"
        + f'<header><a class="logo" href="https://{parts.outlet.host}/">{_esc(parts.outlet.name)}</a>'
        + f'<nav class="main-nav"><ul>{_nav_items(parts)}</ul></nav></header>\n'
        + '<main>\n<article class="story">\n'
        + f'<div class="breadcrumb"><a href="/">Startseite</a> › {_esc(parts.topic)}</div>\n'
        + f"<h1>{_esc(parts.title)}</h1>\n"
        + f'<p class="byline">Von {_esc(parts.author)} | <time datetime="{parts.published.isoformat()}">'
        + f"{german_date(parts.published)}</time></p>\n"
        + f'<p class="lead"><strong>{_esc(parts.lead)}</strong></p>\n'
        + f'<div class="article-body">\n{_paragraph_html(parts.body)}\n</div>\n</article>\n'
        + f'<aside class="related"><h2>Mehr zum Thema</h2><ul>{_related_html(parts)}</ul></aside>\n'
        + f'<section id="comments"><h2>Kommentare ({len(parts.comments)})</h2>\n'
        + _comments_html(parts.comments, "comment", "comment-author")
        + '\n<form><textarea name="comment"></textarea><button>Posten</button></form></section>\n</main>\n'
        + '<footer><ul><li><a href="/impressum">Impressum</a></li><li><a href="/datenschutz">Datenschutz</a></li>'
        + f'<li><a href="/agb">AGB</a></li></ul><p>© {parts.published.year} {_esc(parts.outlet.name)}. '
        + "Alle Rechte vorbehalten.</p></footer>\n</body>\n</html>\n"
    )


def _template_modern(parts: PageParts) -> str:
    return (
        _head(parts)
        + '<body class="article-page">\n<div class="page">\n'
        + f'<header class="site-header"><div class="brand">{_esc(parts.outlet.name)}</div>'
        + f'<nav aria-label="Ressorts"><ul class="menu">{_nav_items(parts)}</ul></nav>'
        + '<a class="abo" href="/abo">Jetzt abonnieren</a></header>\n'
        + '<div class="cc-banner" role="dialog"><h3>Ihre Privatsphäre</h3><p>'
        + _cookie_text(parts)
        + '</p><a href="/datenschutz">Mehr erfahren</a></div>\n'
        + '<div class="content">\n'
        + f'<div class="kicker">{_esc(parts.topic)}</div>\n<h1 class="headline">{_esc(parts.title)}</h1>\n'
        + f'<div class="meta"><span class="author">{_esc(parts.author)}</span> '
        + f'<span class="date">{german_date(parts.published)}</span></div>\n'
        + '<div class="share"><a href="#">Teilen auf Facebook</a> <a href="#">Twittern</a> '
        + '<a href="#">Per E-Mail senden</a></div>\n'
        + f'<div class="story-text">\n<p class="intro">{_esc(parts.lead)}</p>\n{_paragraph_html(parts.body)}\n</div>\n'
        + '</div>\n<div class="teaser-box"><h4>Das könnte Sie auch interessieren</h4>'
        + f"<ul>{_related_html(parts)}</ul></div>\n"
        + f'<div class="user-comments"><h4>{len(parts.comments)} Postings</h4>\n'
        + _comments_html(parts.comments, "posting", "user")
        + "\n</div>\n"
        + '<footer class="site-footer"><a href="/impressum">Impressum</a> · <a href="/kontakt">Kontakt</a> · '
        + f'<a href="/newsletter">Newsletter</a><p>{_esc(parts.outlet.name)} – unabhängig seit 1848</p></footer>\n'
        + "</div>\n</body>\n</html>\n"
    )


def _template_portal(parts: PageParts) -> str:
    half = max(1, len(parts.body) // 2)
    return (
        _head(parts)
        + "<body>\n"
        + f'<div id="top"><ul id="navigation">{_nav_items(parts)}</ul>'
        + '<form class="search"><input name="q" placeholder="Suche"></form></div>\n'
        + '<div id="consent-layer"><p>'
        + _cookie_text(parts)
        + "</p><button>Alle akzeptieren</button></div>\n"
        + '<div id="wrapper"><div id="main-column">\n'
        + '<div class="article" itemscope itemtype="https://schema.org/NewsArticle">\n'
        + f'<h1 itemprop="headline">{_esc(parts.title)}</h1>\n'
        + f'<div class="dateline">{german_date(parts.published)} – {_esc(parts.author)}</div>\n'
        + f'<div itemprop="articleBody">\n<p><b>{_esc(parts.lead)}</b></p>\n'
        + _paragraph_html(parts.body[:half])
        + '\n<div class="ad-slot">Anzeige</div>\n'
        + _paragraph_html(parts.body[half:])
        + "\n</div>\n</div>\n"
        + '<div class="comments-area"><h3>Leserkommentare</h3>\n'
        + _comments_html(parts.comments, "reader-comment", "reader")
        + "\n</div>\n</div>\n"
        + f'<div id="sidebar"><div class="box"><h3>Meistgelesen</h3><ol>{_related_html(parts)}</ol></div>'
        + '<div class="box"><h3>Newsletter</h3><p>Die wichtigsten Nachrichten jeden Morgen.</p></div></div>\n'
        + "</div>\n"
        + '<div id="footer"><a href="/impressum">Impressum</a> | <a href="/mediadaten">Mediadaten</a> | '
        + f'<a href="/datenschutz">Datenschutz</a> © {_esc(parts.outlet.name)}</div>\n</body>\n</html>\n'
    )


def _template_plain(parts: PageParts) -> str:
    return (
        _head(parts)
        + "<body>\n"
        + '<div class="cookiebar">'
        + _cookie_text(parts)
        + ' <a href="#">OK</a></div>\n'
        + f'<table class="layout"><tr><td class="nav"><ul>{_nav_items(parts)}</ul></td><td>\n'
        + f'<div class="post"><h2 class="post-title">{_esc(parts.title)}</h2>\n'
        + f'<div class="post-meta">Veröffentlicht am {german_date(parts.published)}</div>\n'
        + f'<div class="post-content">\n<p>{_esc(parts.lead)}</p>\n{_paragraph_html(parts.body)}\n'
        + f"<p><em>({_esc(parts.author)})</em></p>\n</div></div>\n"
        + f'<div class="links"><b>Weitere Meldungen:</b><ul>{_related_html(parts)}</ul></div>\n'
        + '<div class="kommentare">\n'
        + _comments_html(parts.comments, "kommentar", "name")
        + "\n</div>\n</td></tr></table>\n"
        + f'<div class="fuss">{_esc(parts.outlet.name)} · <a href="/impressum">Impressum</a></div>\n'
        + "</body>\n</html>\n"
    )


TEMPLATES: tuple[Callable[[PageParts], str], ...] = (
    _template_classic,
    _template_modern,
    _template_portal,
    _template_plain,
)


def _parts(
    index: int,
    title: str,
    lead: str,
    body: list[str],
    topic: str,
    related: list[str],
    rng: random.Random,
) -> PageParts:
    outlet = OUTLETS[rng.randrange(len(OUTLETS))]
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(16 * 60))
    slug = "-".join(re.findall(r"\w+", title.casefold())[:6]) or "meldung"
    url = f"https://{outlet.host}/{outlet.section_path}/{published:%Y/%m/%d}/{slug}-{index}"
    comments = [
        (rng.choice(_COMMENTERS), " ".join(rng.sample(_COMMENT_PHRASES, rng.randint(1, 3))))
        for _ in range(rng.randint(2, 6))
    ]
    author = rng.choice(("Anna Berger", "Markus Leitner", "Eva Hofmann", "Redaktion", "APA/red"))
    return PageParts(outlet, url, title, lead, body, topic, published, author, related, comments)


def make_pages(articles: Sequence[Article], count: int, *, seed: int = SEED) -> Iterable[Page]:
    """``count`` pages: each article once (in order), then same-topic composites in shuffled order."""
    rng = random.Random(seed)
    by_topic: dict[str, list[int]] = defaultdict(list)
    for number, article in enumerate(articles):
        by_topic[article.topic].append(number)
    titles = [headline(article.text) for article in articles]
    for index in range(count):
        if index < len(articles):
            article = articles[index]
            title, lead, body = titles[index], sentences(article.text)[0], paragraphs(article.text, rng)
        else:
            main = rng.randrange(len(articles))
            article = articles[main]
            title, lead, body = (
                titles[main],
                sentences(article.text)[0],
                _composite_body(articles, by_topic[article.topic], main, rng),
            )
        related = [titles[rng.randrange(len(titles))] for _ in range(rng.randint(3, 6))]
        parts = _parts(index, title, lead, body, article.topic, related, rng)
        words = len(lead.split()) + sum(len(paragraph.split()) for paragraph in body)
        yield Page(
            f"page-{index:05d}", parts.url, TEMPLATES[index % len(TEMPLATES)](parts), parts.published, words
        )


def _composite_body(
    articles: Sequence[Article], same_topic: list[int], main: int, rng: random.Random
) -> list[str]:
    """About as many paragraphs as the main article: up to half its own, the rest from others, shuffled."""
    own = paragraphs(articles[main].text, rng)
    target = max(len(own), 4)
    # at most half of the page from the main article, so no page nearly repeats another
    chosen = rng.sample(own, min(len(own), rng.randint(1, max(1, target // 2))))
    others = [number for number in same_topic if number != main] or list(range(len(articles)))
    while len(chosen) < target:
        donor = paragraphs(articles[rng.choice(others)].text, rng)
        chosen.extend(rng.sample(donor, min(len(donor), rng.randint(1, 2))))
    rng.shuffle(chosen)
    return chosen[:target]


def page_text(page_html: str) -> str:
    """The article paragraphs of a generated page (for the near-duplicate check)."""
    found = re.findall(
        r"<p(?: class=\"(?:lead|intro)\")?>(?:<strong>|<b>)?(.*?)(?:</strong>|</b>)?</p>", page_html
    )
    return "\n\n".join(html.unescape(text) for text in found)


def write_html(pages: Iterable[Page], directory: Path) -> list[Page]:
    """Write each page as ``<name>.html``; returns the pages (without keeping their HTML)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Page] = []
    for page in pages:
        (directory / f"{page.name}.html").write_text(page.html, encoding="utf-8")
        written.append(Page(page.name, page.url, "", page.published, page.words))
    return written


def write_warc(pages: Sequence[Page], directory: Path, files: int, html_directory: Path) -> list[Path]:
    """Write the pages (read back from ``html_directory``) as HTTP responses into ``files`` .warc.gz files."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"corpus-{number:03d}.warc.gz" for number in range(files)]
    per_file = -(-len(pages) // files) if pages else 0
    for number, path in enumerate(paths):
        with path.open("wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            for page in pages[number * per_file : (number + 1) * per_file]:
                body = (html_directory / f"{page.name}.html").read_bytes()
                headers = StatusAndHeaders(
                    "200 OK",
                    [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                    protocol="HTTP/1.1",
                )
                fetched = (page.published + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
                record = writer.create_warc_record(
                    page.url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": fetched},
                )
                writer.write_record(record)
    return paths


def near_duplicate_pairs(texts: Sequence[str], threshold: float = 0.7) -> list[tuple[int, int, float]]:
    """Pairs of texts whose MinHash Jaccard estimate reaches ``threshold`` (as the ingest's dedup sees it)."""
    from lagebild.documents.dedup import NearDuplicateIndex

    index = NearDuplicateIndex(threshold=threshold)
    pairs: list[tuple[int, int, float]] = []
    for number, text in enumerate(texts):
        pairs.extend((int(other), number, score) for other, score in index.query_scored(text))
        index.add(str(number), text)
    return pairs


def build_corpus(
    articles_csv: Path, out: Path, *, docs: int, warc_files: int, seed: int = SEED
) -> dict[str, object]:
    """Write ``out/html/*.html``, ``out/warc/*.warc.gz`` and ``out/manifest.json``; return the manifest."""
    articles = read_articles(articles_csv)
    pages = write_html(make_pages(articles, docs, seed=seed), out / "html")
    warcs = write_warc(pages, out / "warc", warc_files, out / "html") if warc_files else []
    manifest: dict[str, object] = {
        "documents": len(pages),
        "words": sum(page.words for page in pages),
        "html_bytes": sum((out / "html" / f"{page.name}.html").stat().st_size for page in pages),
        "warc_files": [path.name for path in warcs],
        "seed": seed,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="10kGNAD articles.csv")
    parser.add_argument("--out", type=Path, required=True, help="output directory (outside the repository)")
    parser.add_argument("--docs", type=int, default=1028, help="number of pages")
    parser.add_argument("--warc-files", type=int, default=8, help="number of .warc.gz files (0: none)")
    parser.add_argument(
        "--check", action="store_true", help="count near-duplicate page pairs (threshold 0.7)"
    )
    args = parser.parse_args(argv)
    manifest = build_corpus(args.articles, args.out, docs=args.docs, warc_files=args.warc_files)
    print(json.dumps(manifest))
    if args.check:
        texts = [
            page_text(path.read_text(encoding="utf-8")) for path in sorted((args.out / "html").glob("*.html"))
        ]
        pairs = near_duplicate_pairs(texts)
        print(f"near-duplicate pairs at 0.7: {len(pairs)} among {len(texts)} pages")
        for first, second, score in pairs[:10]:
            print(f"  page-{first:05d} ~ page-{second:05d}: {score:.2f}")
        return 1 if pairs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
