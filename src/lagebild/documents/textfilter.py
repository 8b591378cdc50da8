"""Line filter for plain-text page dumps: keep the article, drop the page furniture.

Each line is first checked against the pattern lexicon (:mod:`lagebild.documents.lexicon`)
and scored by its features: script (a Cyrillic UI string in a German page), letters vs
digits, length, sentence punctuation and the share of stop words of the document language.
Lines that read like prose are kept; short lines are kept only as subheadings, i.e. when
prose follows them.  Furniture that carries metadata (bylines, datelines, credit lines,
a leading ``date`` marker) is dropped from the text but reported as evidence.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from lagebild.documents import lexicon
from lagebild.documents.dates import parse_date
from lagebild.models import PublicationDate

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…:][\"“”»«'’)]*$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# One alternation per pattern family: a single scan per line instead of one per pattern.
_FORM = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in lexicon.FORM_PATTERNS), re.IGNORECASE)
_CREDIT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in lexicon.CREDIT_PATTERNS), re.IGNORECASE)
_DATELINE_WINDOW = 8  # lines from the top in which a bare date counts as the dateline
_MAX_TITLE_WORDS = 30
_MAX_HEADING_WORDS = 15
_MIN_PROSE_WORDS = 4
_MIN_STOP_WORD_SHARE = 0.08


@dataclass
class FilteredText:
    """What the line filter kept, and the metadata it read from the lines it dropped."""

    title: str | None
    blocks: list[list[str]]
    author: str | None = None
    outlet: str | None = None
    dates: list[PublicationDate] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The kept lines: lines of a block joined by newlines, blocks by blank lines."""
        return "\n\n".join("\n".join(block) for block in self.blocks if block)


@dataclass
class _Line:
    text: str
    block: int
    after_caption: bool = False


def _normalise_line(line: str) -> str:
    return " ".join(unicodedata.normalize("NFC", line).split())


def _dominant_script(text: str) -> str:
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    return "cyrillic" if cyrillic > latin else "latin"


def _foreign_script(line: str, document_script: str) -> bool:
    cyrillic = len(_CYRILLIC.findall(line))
    latin = len(_LATIN.findall(line))
    if cyrillic + latin == 0:
        return False
    own = latin if document_script == "latin" else cyrillic
    return own / (cyrillic + latin) < 0.5


def is_prose(line: str, language: str | None) -> bool:
    """True when a line reads like running text rather than a label, menu or caption."""
    words = _WORD.findall(line)
    if len(words) < _MIN_PROSE_WORDS:
        return False
    stop_words = lexicon.STOP_WORDS.get(language or "")
    if stop_words is not None:
        share = sum(word.casefold() in stop_words for word in words) / len(words)
        if share < _MIN_STOP_WORD_SHARE:
            return False
    return bool(_SENTENCE_END.search(line)) or len(words) >= 12


def _furniture_reason(text: str, document_script: str) -> str | None:
    """Why a line is page furniture, or None when it may be content."""
    folded = text.casefold().strip(" .:!|•·-–—")
    if folded in lexicon.WIDGET_LINES:
        return "widget"
    if not any(char.isalpha() for char in text):
        return "no letters"
    if _foreign_script(text, document_script):
        return "foreign script"
    if _FORM.search(text):
        return "form"
    if _CREDIT.search(text):
        return "credit"
    if lexicon.TWEET_ATTRIBUTION.match(text):
        return "tweet attribution"
    caption = lexicon.CAPTION_SOURCE.match(text)
    if caption and len(caption["source"].split()) <= 5 and len(_WORD.findall(text)) <= 25:
        return "caption"
    return None


def strip_furniture(paragraphs: list[str]) -> list[str]:
    """Drop lexicon furniture from already-extracted paragraphs (e.g. trafilatura's).

    Only the pattern checks apply (widgets, forms, credits, captions, foreign script) and a
    trailer line cuts the rest; structure is trusted, so short lines stay.
    """
    document_script = _dominant_script("\n".join(paragraphs))
    kept: list[str] = []
    for paragraph in paragraphs:
        line = _normalise_line(paragraph)
        if any(pattern.match(line) for pattern in lexicon.TRAILER_LINES):
            break
        if reason := _furniture_reason(line, document_script):
            logger.debug("dropped %s: %r", reason, line)
            continue
        kept.append(paragraph)
    return kept


def filter_lines(text: str, language: str | None = None) -> FilteredText:
    """Split a text dump into title, kept paragraphs and metadata evidence."""
    document_script = _dominant_script(text)
    result = FilteredText(title=None, blocks=[])
    candidates: list[_Line] = []
    block = 0
    pending_caption = False
    marker_dates: list[PublicationDate] = []
    dateline_dates: list[PublicationDate] = []
    credit_dates: list[PublicationDate] = []

    for number, raw_line in enumerate(text.splitlines()):
        line = _normalise_line(raw_line)
        if not line:
            block += 1
            continue
        if any(pattern.match(line) for pattern in lexicon.TRAILER_LINES):
            result.dropped.append((line, "trailer"))
            logger.debug("trailer starts at line %d: %r", number, line)
            break
        if not candidates and (marker := lexicon.DATE_MARKER.match(line)):
            found = parse_date(marker["date"], f"leading marker 'date {marker['date']}'")
            if found:
                marker_dates.append(found)
            line = marker["rest"].strip()
            if not line:
                continue
        if byline := lexicon.BYLINE.match(line):
            result.author = result.author or byline["author"]
            result.dropped.append((line, "byline"))
            continue
        if found := parse_date(line, f"dateline '{line}'"):
            if number < _DATELINE_WINDOW:
                dateline_dates.append(found)
            result.dropped.append((line, "dateline"))
            continue
        if credit := lexicon.CAPTION_CREDIT.search(line):
            result.outlet = result.outlet or credit["outlet"].strip()
            found = parse_date(credit["date"], f"credit line '{line[credit.start() :].strip(' -–—')}'")
            if found:
                credit_dates.append(found)
            result.dropped.append((line, "caption credit"))
            pending_caption = True
            continue
        line = lexicon.TRAILING_LINKS.sub("", line)
        if not line:
            continue
        if reason := _furniture_reason(line, document_script):
            result.dropped.append((line, reason))
            continue
        candidates.append(_Line(line, block, after_caption=pending_caption))
        pending_caption = False

    # A dump's own dateline outranks credit lines, which may belong to embedded teasers.
    result.dates = marker_dates + dateline_dates + credit_dates
    _select(candidates, result, language)
    return result


def _select(candidates: list[_Line], result: FilteredText, language: str | None) -> None:
    """Pick the title and the paragraphs among lines that passed the furniture checks."""
    prose = [is_prose(line.text, language) for line in candidates]
    start = 0
    if candidates and _looks_like_title(candidates[0].text):
        result.title = candidates[0].text
        start = 1
    blocks: dict[int, list[str]] = {}
    for index in range(start, len(candidates)):
        line = candidates[index]
        if result.title and line.text.casefold() == result.title.casefold():
            result.dropped.append((line.text, "repeated title"))
            continue
        if not prose[index]:
            reason = _short_line_reason(candidates, prose, index)
            if reason:
                result.dropped.append((line.text, reason))
                continue
        blocks.setdefault(line.block, []).append(line.text)
    result.blocks = list(blocks.values())


def _looks_like_title(line: str) -> bool:
    """Headlines are short and do not end in a full stop."""
    return len(_WORD.findall(line)) <= _MAX_TITLE_WORDS and not line.endswith(".")


def _short_line_reason(candidates: list[_Line], prose: list[bool], index: int) -> str | None:
    """Why a line that is not prose goes, or None when it is a subheading."""
    line = candidates[index]
    if line.after_caption:
        return "teaser headline"
    if len(_WORD.findall(line.text)) > _MAX_HEADING_WORDS:
        return "long fragment"
    following = index + 1 < len(candidates) and prose[index + 1]
    return None if following else "short fragment"
