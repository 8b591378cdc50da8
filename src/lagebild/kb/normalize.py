"""Name normalisation: one matching key for the many spellings of a name.

A name written in Cyrillic, in German, English or Kazakh romanisation ("Токаев",
"Tokajew", "Tokayev", "Toqajew") is reduced to the same key by transliterating
Cyrillic to Latin, stripping diacritics and folding the letter groups that the
romanisations render differently (sch/sh/zh/š, tsch/ch/č, j/y/i, w/v, q/k, s/z,
doubled letters, the endings -ow/-ov/-ew/-ev).  The key is deliberately lossy; it is
used to look names up, never shown.
"""

from __future__ import annotations

import re
import unicodedata

#: Bump when :func:`name_key` changes: the built KB stores keys made with it.
KEY_VERSION = 1

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh, Kyrgyz, Ukrainian, Belarusian letters
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ј": "y", "џ": "dzh",
}  # fmt: skip

# Letters that lose more than a diacritic when folded.
_SPECIAL_LATIN = {
    "ß": "ss",
    "ş": "sh",
    "š": "sh",
    "ž": "zh",
    "č": "ch",
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "æ": "ae",
}

# Ordered folding rules applied to a transliterated, diacritic-free, lower-case token.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("tsch", "C"),
    ("dsch", "S"),
    ("dzh", "S"),
    ("sch", "S"),
    ("tch", "C"),
    ("ch", "C"),
    ("zh", "S"),
    ("sh", "S"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("ck", "k"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("tz", "s"),
    ("ts", "s"),
    ("z", "s"),
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
    ("j", "i"),
    ("y", "i"),
)
_DOUBLE = re.compile(r"(.)\1+")
_GLIDE = re.compile(r"(?<=[aeiou])i(?=[aeiou])")
_ENDING = re.compile(r"[oe](v|va|viC|vna)$")
_NASAL = re.compile(r"ng(?=[aeiou])")
_NON_WORD = re.compile(r"[^\w]+")


def transliterate(text: str) -> str:
    """Cyrillic to Latin (a simple scholarly-ish scheme), other characters unchanged."""
    return "".join(_CYRILLIC.get(ch, _CYRILLIC.get(ch.lower(), ch)) if ch.isalpha() else ch for ch in text)


def strip_diacritics(text: str) -> str:
    """Fold letters with diacritics to their base letters (ä→a, ğ→g, ß→ss)."""
    text = "".join(_SPECIAL_LATIN.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_token(token: str) -> str:
    """The phonetic key of one lower-case Latin word (``S`` and ``C`` mark the sibilants)."""
    for source, target in _FOLDS:
        token = token.replace(source, target)
    token = _DOUBLE.sub(r"\1", token)
    token = _GLIDE.sub("", token)
    token = _NASAL.sub("n", token)
    return _ENDING.sub(r"\1", token)


def tokens(name: str) -> list[str]:
    """The words of a name, lower-cased, transliterated and without diacritics."""
    plain = strip_diacritics(transliterate(unicodedata.normalize("NFKC", name).casefold()))
    plain = plain.replace("'", "").replace("’", "").replace("ʻ", "")
    return [word for word in _NON_WORD.split(plain.replace("_", " ")) if word]


def token_keys(name: str) -> list[str]:
    """The folded key of each word of ``name``."""
    return [fold_token(word) for word in tokens(name)]


def name_key(name: str) -> str:
    """The matching key of a whole name: its folded words joined by single spaces.

    >>> name_key("Tokajew") == name_key("Токаев") == name_key("Tokayev")
    True
    """
    return " ".join(token_keys(name))


_ADJECTIVE_ENDING = re.compile(r"(?:e|en|er|es|em|ий|ый|ая|ое|ие|ого|ому|ой|ых|ым|ими)$")


def adjective_stem(word: str) -> str:
    """A country adjective without its inflection ("kasachischen" → "kasachisch")."""
    plain = unicodedata.normalize("NFKC", word).casefold()
    stem = _ADJECTIVE_ENDING.sub("", plain) if len(plain) > 6 else plain
    return stem


def slugify(name: str) -> str:
    """A readable ASCII slug for ids ("Kassym-Schomart Tokajew" → "kassym-schomart-tokajew")."""
    return "-".join(tokens(name))
