"""Main text and metadata of HTML pages, via trafilatura (with htmldate for the date)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

from lagebild.documents.textfilter import strip_furniture

logger = logging.getLogger(__name__)

# Only dates the page states (metadata, visible date near the header); no guessing from
# the body's first date or from today.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class HtmlExtraction:
    """trafilatura's main text (paragraphs separated by blank lines) and page metadata."""

    text: str
    title: str | None
    author: str | None
    date: str | None
    sitename: str | None
    url: str | None
    hostname: str | None


def extract_html(html: str, url: str | None = None) -> HtmlExtraction | None:
    """Extract the article of an HTML page; None when trafilatura finds no main text.

    Precision-oriented first (navigation, comments, related links and footers go); a
    recall-oriented retry catches pages whose article markup the first pass rejects.
    Furniture inside the article (newsletter prompts, credits) is then removed with the
    text filter's pattern lexicon.
    """
    for mode in ({"favor_precision": True}, {"favor_recall": True}):
        extracted = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
            **mode,
        )
        if extracted is not None and (extracted.text or "").strip():
            break
        logger.debug("trafilatura found no main text with %s", mode)
    else:
        return None
    paragraphs = strip_furniture(
        [" ".join(line.split()) for line in extracted.text.splitlines() if line.strip()]
    )
    return HtmlExtraction(
        text="\n\n".join(paragraphs),
        title=extracted.title or None,
        author=extracted.author or None,
        date=extracted.date or None,
        sitename=extracted.sitename or None,
        url=extracted.url or None,
        hostname=extracted.hostname or None,
    )
