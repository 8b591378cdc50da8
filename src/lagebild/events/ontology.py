"""PLOVER event types and modes, with the CAMEO root code and ACLED type each maps to.

PLOVER (Political Language Ontology for Verifiable Event Records) is the successor of
CAMEO.  Its sixteen POLECAT types are coded here, plus four from the 2018 PLOVER draft
that analysts still ask for (DEMAND, DISAPPROVE, INVESTIGATE, FIGHT).  A type maps to a
CAMEO root code; the ACLED event type and sub-type depend on type and mode, and only
events ACLED actually records (political violence, demonstrations and strategic
developments) get one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: PLOVER type -> CAMEO root code (two digits).
CAMEO_ROOT: dict[str, str] = {
    "AGREE": "03",  # express intent to cooperate / sign agreement (CAMEO 03, 057)
    "CONSULT": "04",
    "SUPPORT": "05",  # engage in diplomatic cooperation
    "COOPERATE": "06",  # engage in material cooperation
    "AID": "07",
    "CONCEDE": "08",  # yield
    "RETREAT": "08",  # yield: withdraw, release, return
    "INVESTIGATE": "09",
    "REQUEST": "02",  # appeal
    "DEMAND": "10",
    "DISAPPROVE": "11",
    "ACCUSE": "11",
    "REJECT": "12",
    "THREATEN": "13",
    "PROTEST": "14",
    "MOBILIZE": "15",  # exhibit force posture
    "SANCTION": "16",  # reduce relations
    "COERCE": "17",
    "ASSAULT": "18",
    "FIGHT": "19",
}

PLOVER_TYPES: tuple[str, ...] = tuple(CAMEO_ROOT)

#: Modes per type, as used by this coder (PLOVER's modes, named in plain words).
PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "AGREE": ("agreement", "ceasefire"),
    "CONSULT": ("phone call", "meeting", "visit", "mediation"),
    "SUPPORT": ("endorse", "solidarity"),
    "COOPERATE": ("military", "economic", "judicial"),
    "AID": ("military", "economic", "humanitarian"),
    "CONCEDE": ("leadership change", "policy change"),
    "RETREAT": ("withdraw", "release", "ceasefire", "disarm"),
    "INVESTIGATE": ("inquiry",),
    "REQUEST": ("military aid", "aid", "negotiation", "de-escalation"),
    "DEMAND": ("demand",),
    "DISAPPROVE": ("criticize",),
    "ACCUSE": ("aggression", "crime", "interference"),
    "REJECT": ("neutrality", "refuse", "deny"),
    "THREATEN": ("military force", "sanction", "ultimatum"),
    "PROTEST": ("demonstrate", "riot", "strike", "boycott", "hunger strike", "occupy"),
    "MOBILIZE": ("troops", "police", "weapons", "alert"),
    "SANCTION": ("economic", "expel", "break relations"),
    "COERCE": ("arrest", "state of emergency", "curfew", "ban", "seize", "deport", "censor", "repress"),
    "ASSAULT": (
        "missile strike",
        "air strike",
        "drone strike",
        "shelling",
        "shooting",
        "explosion",
        "beating",
        "abduction",
        "killing",
        "arson",
        "attack",
    ),
    "FIGHT": ("armed clash", "clash"),
}


@dataclass(frozen=True)
class AcledCode:
    """An ACLED event type and sub-type."""

    event_type: str
    sub_type: str


_STRATEGIC = "Strategic developments"
_REMOTE = "Explosions/Remote violence"

#: (PLOVER type, mode) -> ACLED; ``None`` as mode is the type's default.
_ACLED: dict[tuple[str, str | None], AcledCode] = {
    ("PROTEST", None): AcledCode("Protests", "Peaceful protest"),
    ("PROTEST", "riot"): AcledCode("Riots", "Violent demonstration"),
    ("PROTEST", "occupy"): AcledCode("Riots", "Violent demonstration"),
    ("ASSAULT", None): AcledCode("Violence against civilians", "Attack"),
    ("ASSAULT", "missile strike"): AcledCode(_REMOTE, "Shelling/artillery/missile attack"),
    ("ASSAULT", "shelling"): AcledCode(_REMOTE, "Shelling/artillery/missile attack"),
    ("ASSAULT", "air strike"): AcledCode(_REMOTE, "Air/drone strike"),
    ("ASSAULT", "drone strike"): AcledCode(_REMOTE, "Air/drone strike"),
    ("ASSAULT", "explosion"): AcledCode(_REMOTE, "Remote explosive/landmine/IED"),
    ("ASSAULT", "abduction"): AcledCode("Violence against civilians", "Abduction/forced disappearance"),
    ("ASSAULT", "arson"): AcledCode("Riots", "Mob violence"),
    ("ASSAULT", "shooting"): AcledCode("Battles", "Armed clash"),
    ("FIGHT", None): AcledCode("Battles", "Armed clash"),
    ("COERCE", None): AcledCode(_STRATEGIC, "Other"),
    ("COERCE", "arrest"): AcledCode(_STRATEGIC, "Arrests"),
    ("COERCE", "seize"): AcledCode(_STRATEGIC, "Looting/property destruction"),
    ("MOBILIZE", None): AcledCode(_STRATEGIC, "Headquarters or base established"),
    ("MOBILIZE", "alert"): AcledCode(_STRATEGIC, "Other"),
    ("RETREAT", None): AcledCode(_STRATEGIC, "Non-violent transfer of territory"),
    ("RETREAT", "release"): AcledCode(_STRATEGIC, "Other"),
    ("AGREE", None): AcledCode(_STRATEGIC, "Agreement"),
    ("CONCEDE", None): AcledCode(_STRATEGIC, "Change to group/activity"),
}


def cameo_root(event_type: str) -> str | None:
    """The CAMEO root code (``"14"``) of a PLOVER type, ``None`` when unknown."""
    return CAMEO_ROOT.get(event_type)


def acled_code(event_type: str, mode: str | None) -> AcledCode | None:
    """The ACLED type and sub-type for a PLOVER type and mode; ``None`` when ACLED would not record it."""
    return _ACLED.get((event_type, mode)) or _ACLED.get((event_type, None))
