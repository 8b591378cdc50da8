"""Pattern lexicon for boilerplate in plain-text page dumps (German, English, Russian).

Data only: the line filter in :mod:`lagebild.documents.textfilter` decides with these
patterns plus line features (script, length, punctuation, stop words).  Patterns describe
*kinds* of page furniture that recur across news sites, not lines of any one page.  All
regular expressions are matched case-insensitively against a whitespace-normalised line.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# Whole lines that are widget labels, buttons or menu entries.  Compared casefolded with
# the entire line (after stripping punctuation at the ends).
WIDGET_LINES: frozenset[str] = frozenset(
    {
        # live tickers, loaders, chat and comment widgets
        "newsticker",
        "ticker",
        "live",
        "liveticker",
        "live-ticker",
        "loader",
        "loading",
        "laden",
        "wird geladen",
        "chats",
        "chat",
        "kommentare",
        "comments",
        "neueste oben",
        "älteste oben",
        "neueste obenälteste oben",
        "newest first",
        "oldest first",
        # subscription, sharing and navigation buttons
        "abonnieren",
        "jetzt abonnieren",
        "newsletter",
        "subscribe",
        "teilen",
        "share",
        "drucken",
        "print",
        "mehr lesen",
        "weiterlesen",
        "read more",
        "mehr zum thema",
        "related",
        "anzeige",
        "werbung",
        "advertisement",
        "menü",
        "menu",
        "suche",
        "search",
        "zurück",
        "back",
        "nach oben",
        "top",
        # Russian UI strings
        "подписаться",
        "поделиться",
        "комментарии",
        "загрузка",
        "читать далее",
    }
)

# Lines that open the page's trailer: everything from here on is author box, related
# articles or site footer.  Matched against the whole line.
TRAILER_LINES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^about (the )?(author|admin|editor)$", _I),  # WordPress author box "About admin"
    re.compile(r"^About [a-z0-9_.-]+$"),  # "About <username>" (lower-case login name)
    re.compile(r"^über (den|die) autor(in)?$", _I),
    re.compile(r"^(check also|see also|related (posts|articles|stories)|you may also like)$", _I),
    re.compile(r"^(das könnte sie auch interessieren|mehr zum thema|weitere artikel|ähnliche artikel)$", _I),
    re.compile(r"^(leserkommentare|kommentare \(\d+\)|\d+ kommentare)$", _I),
    re.compile(r"^(читайте также|смотрите также|похожие материалы)$", _I),
)

# Sentences that belong to login, registration, comment and newsletter forms.  Searched
# anywhere in a line; a line that contains one is dropped.
FORM_PATTERNS: tuple[re.Pattern[str], ...] = (
    # registration / login banners
    re.compile(r"registrierung (erfolgreich )?abgeschlossen", _I),
    re.compile(r"klicken sie (bitte )?(auf )?den link", _I),
    re.compile(r"\b(loggen sie sich ein|melden sie sich an|registrieren sie sich)\b", _I),
    re.compile(r"um an der diskussion teilzunehmen", _I),
    re.compile(r"\b(log ?in|sign ?in|sign up|register) to (comment|join|continue)", _I),
    re.compile(r"registration (was )?successful", _I),
    re.compile(r"(войдите|зарегистрируйтесь)", _I),
    # comment forms
    re.compile(r"kommentieren sie (den|diesen) (artikel|beitrag)", _I),
    re.compile(r"bitte geben sie (hier )?ihren? (namen|kommentar|e-mail)", _I),
    re.compile(r"(leave a (reply|comment)|please enter your (name|comment|email))", _I),
    re.compile(r"(schreiben sie einen kommentar|kommentar (schreiben|verfassen))", _I),
    re.compile(r"оставьте комментарий", _I),
    # newsletter, subscription and sharing prompts
    re.compile(r"\b(abonnieren|bestellen) sie (jetzt )?(unseren|den|unsere)\b", _I),
    re.compile(r"\bnewsletter (abonnieren|bestellen|anmelden)\b", _I),
    re.compile(r"\b(subscribe to|sign up for) our\b", _I),
    re.compile(r"\bteilen sie (diesen|den) artikel\b", _I),
    re.compile(r"\b(share this|share on (facebook|twitter|x))\b", _I),
    # cookie and consent banners
    re.compile(r"\b(cookies?|datenschutzerklärung|privacy policy)\b.*\b(akzeptieren|zustimmen|accept)", _I),
)

# Photo captions and credits.
CREDIT_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^©"),  # "© SNA / Agency / Zur Bilddatenbank ..."
    re.compile(
        r"^\(?(foto|fotos|bild|bilder|grafik|photo|image|picture|credit|quelle|source|фото)s?\s*:", _I
    ),
    # "Titelbild: ..." (cover image), "Rahmen: ..." (machine-translated Italian "fonte
    # fotogramma"/video frame credit), "Video: ...", "Screenshot: ..."
    re.compile(
        r"^(titelbild|titelfoto|aufmacherbild|beitragsbild|rahmen|video|screenshot|symbolbild)\s*:", _I
    ),
    re.compile(r"\bzur bilddatenbank\b", _I),
    # agency credit after a separator: "... / dpa", "© Getty Images"
    re.compile(r"[/|©]\s*(getty images|picture alliance|dpa|afp|reuters|ap photo|imago)\s*$", _I),
)

# An embedded teaser's caption followed by outlet credit: "<caption> - SNA, 1920, 07.01.2022"
# (outlet, image width, date).  Group ``outlet`` and ``date`` are read as evidence.
CAPTION_CREDIT = re.compile(
    r"\s[-–—]\s(?P<outlet>[^\s,][^,]{0,40}?),\s*\d{3,4},\s*(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*$"
)

# An image caption that ends in its source: "Soldaten auf der Straße / CSTO".  Only short
# lines without a sentence inside qualify; the source is at most five words.
CAPTION_SOURCE = re.compile(r"^(?P<caption>.{3,200}?)\s/\s(?P<source>[A-ZÄÖÜА-ЯЁ][^/.!?]{1,60})$")

# Tweet embeds: attribution line "— Name (@handle) 13. Januar 2022" and trailing links.
TWEET_ATTRIBUTION = re.compile(r"^[-–—]\s*.{1,80}\(@\w{1,30}\)\s*.{0,40}\d{4}\s*$")
TRAILING_LINKS = re.compile(r"(\s+(pic\.twitter\.com/\S+|https?://t\.co/\S+|https?://\S+))+\s*$", _I)

# Bylines: "(Di David Rossi)", "Von Anna Muster", "By Jane Doe", "Автор: Иван Иванов".
BYLINE = re.compile(
    r"^\(?\s*(?i:von|by|di|de|par|por|door|автор:?)\s+"
    r"(?P<author>[A-ZÄÖÜА-ЯЁ][\w.'-]+(\s+[A-ZÄÖÜА-ЯЁ][\w.'-]+){0,3})\s*\)?$"
)

# Leading date marker some dump tools write before the title: " date 2022-03 Title".
DATE_MARKER = re.compile(r"^\s*date[:\s]+(?P<date>\d{4}(-\d{2}(-\d{2})?)?)\s+(?P<rest>.*)$", _I)

# Small stop-word lists: enough to tell running prose from menus and captions.
STOP_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        """der die das den dem des ein eine einer eines einem einen und oder aber auch nicht
        ist sind war waren wird werden wurde wurden hat haben hatte hatten sei seien habe
        in im an am auf aus bei mit nach von vom zu zum zur für über unter vor durch gegen
        ohne um bis seit als wie so dass daß ob wenn weil da sich sie er es wir ihr ich man
        sein seine seiner ihre ihrer ihren dieser diese dieses noch nur schon sehr mehr
        kein keine keiner zwischen sowie wobei dabei darauf""".split()
    ),
    "en": frozenset(
        """the a an and or but not is are was were be been being has have had will would
        in on at of to from by with for about over under before after through against
        without as like so that if because it its he she they we you i this these those
        his her their our which who whom what when where than then also only more no""".split()
    ),
    "ru": frozenset(
        """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы
        по только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если
        уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего
        ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без будто
        это этот эта эти при после также который которая которые""".split()
    ),
}

# Words that say "today" in a lead, and "this year" in place of a year.
TODAY_WORDS = r"(heute|today|сегодня)"
THIS_YEAR_WORDS = r"(dieses jahres|diesen jahres|this year|of this year|этого года|текущего года)"

MONTHS: dict[str, int] = {
    # German
    "januar": 1, "jänner": 1, "februar": 2, "feber": 2, "märz": 3, "april": 4, "mai": 5,
    "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "october": 10, "december": 12,
    # Russian (genitive, as used in dates)
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip
