"""Rule-based sentence splitting for German news text.

Splits at line breaks and after ``.``/``!``/``?``/``…`` followed by whitespace and a capital
letter, digit-free opening or quote, except after abbreviations ("Dr.", "z. B.", "Abs."),
initials ("George W. Bush"), ordinal numbers ("13. Januar", "2. Weltkrieg", "31a.") and when
the next word starts in lower case.  Also registered as the spaCy component
``lagebild_sentences`` so that the shipped NER pipeline yields the same sentences.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

ABBREVIATIONS = frozenset(
    """
    abb abg abs abt adr afr allg alt amtl anh anm art aufl ausg bd bde bearb bed begr beil bes best
    betr bez bhf bsp bspw bzgl bzw ca chr co corp dgl dipl dir dr dres ebd ehem eig einschl engl entspr
    erg erw etc ev evtl exkl fa fam ff fig fr frl frz gebr geb gegr gem ges gesch gest gg ggf gmbh
    hbf hg hl hlg hr hrn hrsg hs inc inh inkl insb int jan jh jhd jhs jr jun jul kap kath kfm kfz kgl
    kl lt ltd max mdb mdl med mio mill min mind mio mrd mr mrs ms mwst nachf nat nchr nr nrn obb od
    okt orig pfd pkt pl pol prof prov ps red rel rep resp sek sen sept sep sog sr st std str stud
    tel tsd ugs univ urspr usf usw vgl verf verh vers verw vj vors vorm vs wg wiss zb zt zzgl
    aug dez feb nov
    """.split()
)
MONTHS = frozenset(
    "januar jänner februar märz april mai juni juli august september oktober november dezember".split()
)
_BOUNDARY = re.compile(r"([.!?…]+)([\"“”»«'’)\]]*)\s+")
_WORD_BEFORE = re.compile(r"(\S+?)$")
_ORDINAL = re.compile(r"^\(?\d{1,3}[a-zA-Z]?$")
_OPENERS = "„\"»«‚'(["


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in re.finditer(r"\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _is_boundary(text: str, line_start: int, match: re.Match[str], line_end: int) -> bool:
    """Decide whether the punctuation in ``match`` ends a sentence."""
    next_index = match.end()
    if next_index >= line_end:
        return False
    following = text[next_index:line_end].lstrip(_OPENERS)
    if not following:
        return False
    first = following[0]
    if first.islower() or first in ",;:-–)":
        return False
    terminator = match.group(1)
    if terminator != ".":
        return True
    word_match = _WORD_BEFORE.search(text, max(line_start, match.start() - 64), match.start())
    word = word_match.group(1).lstrip(_OPENERS) if word_match else ""
    if not word:
        return first.isupper()
    if match.group(2):
        return True
    bare = word.replace(".", "").lower()
    if bare in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    if re.fullmatch(r"(?:[A-Za-zÄÖÜäöü]\.)+[A-Za-zÄÖÜäöü]", word):
        return False  # "z.B", "u.a", "U.S" before the final period
    if _ORDINAL.match(word):
        return False  # "13. Januar", "2. Weltkrieg", "31a."
    if word.isdigit() and following.split(maxsplit=1)[0].strip(".,").lower() in MONTHS:
        return False
    return first.isupper()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences in ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _line_spans(text):
        start = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            if _is_boundary(text, line_start, match, line_end):
                spans.append((start, match.start() + len(match.group(1)) + len(match.group(2))))
                start = match.end()
        spans.append((start, line_end))
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed


@Language.factory("lagebild_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    """spaCy factory for :class:`SentenceSplitter`."""
    return SentenceSplitter()


class SentenceSplitter:
    """spaCy component setting ``Token.is_sent_start`` from :func:`split_sentences`."""

    def __call__(self, doc: Doc) -> Doc:
        starts = {start for start, _ in split_sentences(doc.text)}
        for index, token in enumerate(doc):
            token.is_sent_start = index == 0 or token.idx in starts
        return doc
