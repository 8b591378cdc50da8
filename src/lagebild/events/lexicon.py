"""Event triggers, mode hints, role nouns and demonyms for German (and English) news.

A trigger is a lemma (lower case) that announces an event of a PLOVER type and mode.
``match`` says how it meets a token: ``exact`` lemma, ``head`` of a compound
("Raketenangriff" ends in "angriff"), or ``prefix`` ("Protestaktion").  ``requires``
lists lemma stems of which one must occur in the same sentence ("entsenden" is a
deployment only with troops in the sentence); ``particle`` is the detached prefix of a
German separable verb ("rief ... auf").  ``secondary`` triggers only count when no
primary trigger fires in the sentence (a bare "getötet" next to "Angriff").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MatchKind = Literal["exact", "head", "prefix"]


@dataclass(frozen=True)
class Trigger:
    """A word that announces an event type (and mode)."""

    lemma: str
    event_type: str
    mode: str | None = None
    match: MatchKind = "exact"
    requires: tuple[str, ...] = ()
    particle: str | None = None
    exclude: tuple[str, ...] = ()
    secondary: bool = False


_TROOPS = (
    "truppe",
    "soldat",
    "kontingent",
    "streitkr",
    "militär",
    "einheit",
    "brigade",
    "armee",
    "friedens",
    "kräfte",
    "bataillon",
    "division",
    "panzer",
    "kampfjet",
    "troop",
    "soldier",
    "force",
)
_MISSION = ("mission", "einsatz", "intervention", "operation", "friedenstruppe")
_OFFICE = ("regierung", "minister", "kabinett", "chef", "gouverneur", "bürgermeister", "kommandeur")
_PROTECTION = ("schutz", "sicherheitsmaßnahme", "grenzschutz", "präsenz")
_FACILITY = ("einrichtung", "objekt", "anlage", "infrastruktur", "grenze")
#: Who can be hurt or killed: a casualty verb ("verletzt", "starben") needs one of these nearby.
_CASUALTIES = (
    "mensch",
    "person",
    "zivilist",
    "polizist",
    "beamt",
    "soldat",
    "kind",
    "opfer",
    "verdächtig",
    "kämpfer",
    "passant",
    "schwer",
    "leicht",
    "tödlich",
)
_PROJECTILES = ("rakete", "granate", "geschoss", "bombe", "drohne")
_HIT = ("tödlich", "arm", "bein", "kopf", "brust", "kugel", "schuss", "schüsse", "rakete", "drohne")

GERMAN_TRIGGERS: tuple[Trigger, ...] = (
    # PROTEST
    Trigger("protest", "PROTEST", "demonstrate", "head"),
    Trigger("protest", "PROTEST", "demonstrate", "prefix", exclude=("protestierend", "protestler")),
    Trigger("protestieren", "PROTEST", "demonstrate"),
    Trigger("demonstration", "PROTEST", "demonstrate", "head"),
    Trigger("demonstrieren", "PROTEST", "demonstrate"),
    Trigger("kundgebung", "PROTEST", "demonstrate", "head"),
    Trigger("marsch", "PROTEST", "demonstrate", "head", exclude=("marschflugkörper",)),
    Trigger("mahnwache", "PROTEST", "demonstrate", "head"),
    Trigger("sitzblockade", "PROTEST", "demonstrate", "head"),
    Trigger("unruhe", "PROTEST", "riot", "head"),
    Trigger("ausschreitung", "PROTEST", "riot", "head"),
    Trigger("krawall", "PROTEST", "riot", "head"),
    Trigger("stürmen", "PROTEST", "riot"),
    Trigger("streik", "PROTEST", "strike", "head"),
    Trigger("streiken", "PROTEST", "strike"),
    Trigger("hungerstreik", "PROTEST", "hunger strike", "head"),
    Trigger("boykott", "PROTEST", "boycott", "head"),
    # FIGHT
    Trigger("zusammenstoß", "FIGHT", "clash", "head"),
    Trigger("gefecht", "FIGHT", "armed clash", "head"),
    Trigger("schusswechsel", "FIGHT", "armed clash", "head"),
    Trigger("kampfhandlung", "FIGHT", "armed clash", "head"),
    Trigger("kampf", "FIGHT", "armed clash", exclude=("kampfjet", "kampfhubschrauber")),
    # ASSAULT
    Trigger("angriff", "ASSAULT", None, "head"),
    Trigger("angreifen", "ASSAULT"),
    Trigger("greifen", "ASSAULT", particle="an"),
    Trigger("attacke", "ASSAULT", None, "head"),
    Trigger("anschlag", "ASSAULT", "explosion", "head"),
    Trigger("luftschlag", "ASSAULT", "air strike", "head"),
    Trigger("raketenschlag", "ASSAULT", "missile strike", "head"),
    Trigger("beschuss", "ASSAULT", "shelling", "head"),
    Trigger("beschießen", "ASSAULT", "shelling"),
    Trigger("bombardieren", "ASSAULT", "air strike"),
    Trigger("bombardiert", "ASSAULT", "air strike"),
    Trigger("beschossen", "ASSAULT", "shelling"),
    Trigger("bombardierung", "ASSAULT", "air strike", "head"),
    Trigger("abfeuern", "ASSAULT", "missile strike"),
    Trigger("abgefeuert", "ASSAULT", "missile strike"),
    Trigger("schuss", "ASSAULT", "shooting"),
    Trigger("schüsse", "ASSAULT", "shooting"),
    Trigger("explosion", "ASSAULT", "explosion", "head"),
    Trigger("detonation", "ASSAULT", "explosion", "head"),
    Trigger("detonieren", "ASSAULT", "explosion"),
    Trigger("detoniert", "ASSAULT", "explosion"),
    Trigger("einschlagen", "ASSAULT", "missile strike", requires=_PROJECTILES),
    Trigger("eingeschlagen", "ASSAULT", "missile strike", requires=_PROJECTILES),
    Trigger("anschießen", "ASSAULT", "shooting"),
    Trigger("angeschossen", "ASSAULT", "shooting"),
    Trigger("getroffen", "ASSAULT", "shooting", requires=_HIT, secondary=True),
    Trigger("missbrauchen", "ASSAULT", "attack", requires=("sexuell",)),
    Trigger("niederbrennen", "ASSAULT", "arson"),
    Trigger("niedergebrannt", "ASSAULT", "arson"),
    Trigger("entführen", "ASSAULT", "abduction"),
    Trigger("entführung", "ASSAULT", "abduction", "head"),
    Trigger("töten", "ASSAULT", "killing", secondary=True),
    Trigger("todesopfer", "ASSAULT", "killing", "head", secondary=True),
    Trigger("sterben", "ASSAULT", "killing", requires=_CASUALTIES, secondary=True),
    Trigger("leben", "ASSAULT", "killing", requires=("ums",), secondary=True),
    Trigger("verletzen", "ASSAULT", "attack", requires=_CASUALTIES, secondary=True),
    Trigger("verletzt", "ASSAULT", "attack", requires=_CASUALTIES, secondary=True),
    # COERCE
    Trigger("festnahme", "COERCE", "arrest", "head"),
    Trigger("festnehmen", "COERCE", "arrest"),
    Trigger("nehmen", "COERCE", "arrest", particle="fest"),
    Trigger("verhaften", "COERCE", "arrest"),
    Trigger("verhaftung", "COERCE", "arrest", "head"),
    Trigger("inhaftieren", "COERCE", "arrest"),
    Trigger("ausnahmezustand", "COERCE", "state of emergency", "head"),
    Trigger("notstand", "COERCE", "state of emergency", "head"),
    Trigger("kriegsrecht", "COERCE", "state of emergency", "head"),
    Trigger("ausgangssperre", "COERCE", "curfew", "head"),
    Trigger("beschlagnahmen", "COERCE", "seize"),
    Trigger("verbieten", "COERCE", "ban"),
    Trigger("abschieben", "COERCE", "deport"),
    Trigger("vorgehen", "COERCE", "repress", requires=("gegen",)),
    Trigger("niederschlagen", "COERCE", "repress"),
    # MOBILIZE
    Trigger("entsenden", "MOBILIZE", "troops", requires=_TROOPS),
    Trigger("entsendung", "MOBILIZE", "troops", "head", requires=_TROOPS),
    Trigger("stationieren", "MOBILIZE", "troops", requires=_TROOPS),
    Trigger("verlegung", "MOBILIZE", "troops", "head", requires=_TROOPS),
    Trigger("verlegen", "MOBILIZE", "troops", requires=_TROOPS),
    Trigger("einsatz", "MOBILIZE", "troops", "head", requires=_TROOPS, exclude=("einsatzkraft",)),
    Trigger("schicken", "MOBILIZE", "troops", requires=_TROOPS),
    Trigger("mobilisieren", "MOBILIZE", "troops"),
    Trigger("mobilmachung", "MOBILIZE", "troops", "head"),
    Trigger("landen", "MOBILIZE", "troops", requires=_TROOPS),
    Trigger("alarmbereitschaft", "MOBILIZE", "alert", "head"),
    Trigger("sichern", "MOBILIZE", "alert", requires=_FACILITY),
    Trigger(
        "verstärken",
        "MOBILIZE",
        "alert",
        requires=_PROTECTION,
    ),
    Trigger("verstärkt", "MOBILIZE", "alert", requires=_PROTECTION),
    # RETREAT
    Trigger("rückzug", "RETREAT", "withdraw", "head"),
    Trigger("abzug", "RETREAT", "withdraw", "head"),
    Trigger("zurückziehen", "RETREAT", "withdraw"),
    Trigger("ziehen", "RETREAT", "withdraw", particle="zurück"),
    Trigger("abziehen", "RETREAT", "withdraw"),
    Trigger("ziehen", "RETREAT", "withdraw", particle="ab"),
    Trigger("abreisen", "RETREAT", "withdraw", requires=_MISSION + _TROOPS),
    Trigger("verlassen", "RETREAT", "withdraw", requires=_TROOPS),
    Trigger("ende", "RETREAT", "withdraw", requires=_MISSION),
    Trigger("enden", "RETREAT", "withdraw", requires=_MISSION),
    Trigger("beenden", "RETREAT", "withdraw", requires=_MISSION),
    Trigger("freilassen", "RETREAT", "release"),
    Trigger("freilassung", "RETREAT", "release", "head"),
    Trigger("waffenruhe", "AGREE", "ceasefire", "head"),
    Trigger("waffenstillstand", "AGREE", "ceasefire", "head"),
    # CONSULT
    Trigger("telefonat", "CONSULT", "phone call", "head"),
    Trigger("telefongespräch", "CONSULT", "phone call", "head"),
    Trigger("telefonieren", "CONSULT", "phone call"),
    Trigger("sprechen", "CONSULT", "meeting", requires=("mit", "miteinander")),
    Trigger("unterhalten", "CONSULT", "meeting", requires=("mit", "miteinander")),
    Trigger("gespräch", "CONSULT", "meeting", "head", requires=("mit", "zwischen")),
    Trigger("treffen", "CONSULT", "meeting", requires=("mit", "sich")),
    Trigger("gipfel", "CONSULT", "meeting", "head"),
    Trigger("verhandlung", "CONSULT", "meeting", "head"),
    Trigger("besuch", "CONSULT", "visit", "head"),
    Trigger("besuchen", "CONSULT", "visit"),
    Trigger("vermitteln", "CONSULT", "mediation"),
    # REQUEST / DEMAND
    Trigger("bitten", "REQUEST", "aid", requires=("um",)),
    Trigger("ersuchen", "REQUEST", "aid"),
    Trigger("aufrufen", "REQUEST", "negotiation"),
    Trigger("rufen", "REQUEST", "negotiation", particle="auf"),
    Trigger("auffordern", "REQUEST", "de-escalation"),
    Trigger("fordern", "REQUEST", "de-escalation", particle="auf"),
    Trigger("aufforderung", "REQUEST", "de-escalation", "head"),
    Trigger("appellieren", "REQUEST", "negotiation"),
    Trigger("fordern", "DEMAND", "demand"),
    Trigger("verlangen", "DEMAND", "demand"),
    # ACCUSE / DISAPPROVE / REJECT / THREATEN
    Trigger("vorwerfen", "ACCUSE", "aggression"),
    Trigger("werfen", "ACCUSE", "aggression", particle="vor"),
    Trigger("beschuldigen", "ACCUSE", "crime"),
    Trigger("anklagen", "ACCUSE", "crime"),
    Trigger("anklage", "ACCUSE", "crime", "head"),
    Trigger("verantwortlich", "ACCUSE", "interference", requires=("machen",)),
    Trigger("kritisieren", "DISAPPROVE", "criticize"),
    Trigger("verurteilen", "DISAPPROVE", "criticize"),
    Trigger("kritik", "DISAPPROVE", "criticize", "head"),
    Trigger("ablehnen", "REJECT", "refuse"),
    Trigger("zurückweisen", "REJECT", "refuse"),
    Trigger("weigern", "REJECT", "refuse"),
    Trigger("neutral", "REJECT", "neutrality"),
    Trigger("neutralismus", "REJECT", "neutrality", "head"),
    Trigger("distanzieren", "REJECT", "neutrality"),
    Trigger("partei", "REJECT", "neutrality", requires=("kein",)),
    Trigger("drohen", "THREATEN", "military force"),
    Trigger("androhen", "THREATEN", "military force"),
    Trigger("ultimatum", "THREATEN", "ultimatum", "head"),
    # SUPPORT / AID / AGREE / CONCEDE / SANCTION / INVESTIGATE
    Trigger("unterstützen", "SUPPORT", "endorse"),
    Trigger("unterstützung", "SUPPORT", "endorse", "head"),
    Trigger("solidarisch", "SUPPORT", "solidarity"),
    Trigger("waffenlieferung", "AID", "military", "head"),
    Trigger("hilfslieferung", "AID", "humanitarian", "head"),
    Trigger("abkommen", "AGREE", "agreement", "head"),
    Trigger("vereinbarung", "AGREE", "agreement", "head"),
    Trigger("vereinbaren", "AGREE", "agreement"),
    Trigger("unterzeichnen", "AGREE", "agreement"),
    Trigger("stattgeben", "AGREE", "agreement"),
    Trigger("entlassen", "CONCEDE", "leadership change", requires=_OFFICE),
    Trigger("rücktritt", "CONCEDE", "leadership change", "head"),
    Trigger("zurücktreten", "CONCEDE", "leadership change"),
    Trigger("sanktion", "SANCTION", "economic", "head"),
    Trigger("ausweisen", "SANCTION", "expel"),
    Trigger("ermittlung", "INVESTIGATE", "inquiry", "head"),
    Trigger("ermitteln", "INVESTIGATE", "inquiry"),
)

ENGLISH_TRIGGERS: tuple[Trigger, ...] = (
    Trigger("protest", "PROTEST", "demonstrate"),
    Trigger("demonstration", "PROTEST", "demonstrate"),
    Trigger("rally", "PROTEST", "demonstrate"),
    Trigger("riot", "PROTEST", "riot"),
    Trigger("unrest", "PROTEST", "riot"),
    Trigger("clash", "FIGHT", "clash"),
    Trigger("fighting", "FIGHT", "armed clash"),
    Trigger("attack", "ASSAULT"),
    Trigger("strike", "ASSAULT", requires=("missile", "drone", "air", "rocket")),
    Trigger("shell", "ASSAULT", "shelling"),
    Trigger("shelling", "ASSAULT", "shelling"),
    Trigger("explosion", "ASSAULT", "explosion"),
    Trigger("kill", "ASSAULT", "killing", secondary=True),
    Trigger("arrest", "COERCE", "arrest"),
    Trigger("detain", "COERCE", "arrest"),
    Trigger("emergency", "COERCE", "state of emergency", requires=("state",)),
    Trigger("curfew", "COERCE", "curfew"),
    Trigger("deploy", "MOBILIZE", "troops"),
    Trigger("deployment", "MOBILIZE", "troops"),
    Trigger("withdraw", "RETREAT", "withdraw"),
    Trigger("withdrawal", "RETREAT", "withdraw"),
    Trigger("call", "CONSULT", "phone call", requires=("phone",)),
    Trigger("meet", "CONSULT", "meeting"),
    Trigger("talk", "CONSULT", "meeting", requires=("with", "held")),
    Trigger("ask", "REQUEST", "aid", requires=("help", "assistance")),
    Trigger("urge", "REQUEST", "negotiation"),
    Trigger("accuse", "ACCUSE", "aggression"),
    Trigger("reject", "REJECT", "refuse"),
    Trigger("neutral", "REJECT", "neutrality"),
    Trigger("support", "SUPPORT", "endorse"),
    Trigger("sanction", "SANCTION", "economic"),
    Trigger("threaten", "THREATEN", "military force"),
    Trigger("agreement", "AGREE", "agreement"),
    Trigger("ceasefire", "AGREE", "ceasefire"),
)

TRIGGERS: dict[str, tuple[Trigger, ...]] = {"de": GERMAN_TRIGGERS, "en": ENGLISH_TRIGGERS}

#: Stems in the sentence (or in the trigger compound) that give an ASSAULT its mode.
ASSAULT_MODE_HINTS: tuple[tuple[str, str], ...] = (
    ("haselnuss", "missile strike"),
    ("oreschnik", "missile strike"),
    ("atacms", "missile strike"),
    ("storm shadow", "missile strike"),
    ("iskander", "missile strike"),
    ("kinschal", "missile strike"),
    ("kalibr", "missile strike"),
    ("shahed", "drone strike"),
    ("geran", "drone strike"),
    ("drohne", "drone strike"),
    ("drone", "drone strike"),
    ("rakete", "missile strike"),
    ("raketen", "missile strike"),
    ("marschflugkörper", "missile strike"),
    ("missile", "missile strike"),
    ("luftangriff", "air strike"),
    ("kampfjet", "air strike"),
    ("bombe", "air strike"),
    ("artillerie", "shelling"),
    ("granate", "shelling"),
    ("schuss", "shooting"),
    ("schüsse", "shooting"),
    ("schießen", "shooting"),
    ("explosion", "explosion"),
    ("sprengsatz", "explosion"),
)

#: Lemma stems that mark negation near a trigger.
NEGATIONS: frozenset[str] = frozenset(
    {"nicht", "kein", "keine", "keinen", "keiner", "weder", "niemand", "not", "no"}
)

#: Role nouns: lemma stem -> role (for actors and for the group counts refer to).
ROLE_NOUNS: tuple[tuple[str, str], ...] = (
    ("sicherheitskr", "state forces"),
    ("polizei", "state forces"),
    ("polizeikr", "state forces"),
    ("polizist", "state forces"),
    ("ordnungshüter", "state forces"),
    ("strafverfolgung", "state forces"),
    ("armee", "state forces"),
    ("streitkr", "state forces"),
    ("soldat", "state forces"),
    ("luftlandetruppe", "state forces"),
    ("luftstreitkr", "state forces"),
    ("luftwaffe", "state forces"),
    ("militär", "state forces"),
    ("truppe", "state forces"),
    ("friedenstruppe", "alliance forces"),
    ("friedenssoldat", "alliance forces"),
    ("demonstrant", "protesters"),
    ("demonstrierend", "protesters"),
    ("protestierend", "protesters"),
    ("teilnehmer der protest", "protesters"),
    ("randalierer", "rioters"),
    ("kämpfer", "armed group"),
    ("terrorist", "armed group"),
    ("militant", "armed group"),
    ("zivilist", "civilians"),
    ("zivilbevölkerung", "civilians"),
    ("menschen", "civilians"),
    ("regierung", "government"),
    ("ministerium", "government"),
    ("minister", "government"),
    ("präsident", "government"),
    ("behörde", "government"),
    ("bündnis", "alliance"),
    ("allianz", "alliance"),
)

#: German demonym stems -> country name (German), for "die russische Armee".
DEMONYMS: dict[str, str] = {
    "russisch": "Russland",
    "ukrainisch": "Ukraine",
    "kasachisch": "Kasachstan",
    "belarussisch": "Belarus",
    "weißrussisch": "Belarus",
    "kirgisisch": "Kirgisistan",
    "tadschikisch": "Tadschikistan",
    "usbekisch": "Usbekistan",
    "turkmenisch": "Turkmenistan",
    "armenisch": "Armenien",
    "aserbaidschanisch": "Aserbaidschan",
    "georgisch": "Georgien",
    "moldauisch": "Moldau",
    "türkisch": "Türkei",
    "chinesisch": "China",
    "amerikanisch": "Vereinigte Staaten",
    "us-amerikanisch": "Vereinigte Staaten",
    "französisch": "Frankreich",
    "britisch": "Vereinigtes Königreich",
    "deutsch": "Deutschland",
    "polnisch": "Polen",
    "litauisch": "Litauen",
    "lettisch": "Lettland",
    "estnisch": "Estland",
    "israelisch": "Israel",
    "iranisch": "Iran",
    "syrisch": "Syrien",
    "irakisch": "Irak",
    "afghanisch": "Afghanistan",
    "pakistanisch": "Pakistan",
    "indisch": "Indien",
    "japanisch": "Japan",
    "nordkoreanisch": "Nordkorea",
    "südkoreanisch": "Südkorea",
}

#: Nouns that make a demonym an actor ("die russische Armee" -> Russland).
INSTITUTION_NOUNS: tuple[str, ...] = (
    "armee",
    "streitkr",
    "truppe",
    "soldat",
    "militär",
    "polizei",
    "präsident",
    "premier",
    "regierung",
    "ministerium",
    "luftwaffe",
    "luftstreitkr",
    "luftlandetruppe",
    "einheit",
    "kontingent",
    "behörde",
    "staatschef",
    "außenminister",
    "verteidigungsminister",
    "sicherheitskr",
    "wirtschaft",
)

#: Named weapon systems -> (canonical name, class).
WEAPON_SYSTEMS: tuple[tuple[str, str, str], ...] = (
    ("haselnuss", "Oreshnik", "intermediate-range ballistic missile"),
    ("oreschnik", "Oreshnik", "intermediate-range ballistic missile"),
    ("oreshnik", "Oreshnik", "intermediate-range ballistic missile"),
    ("atacms", "ATACMS", "tactical ballistic missile"),
    ("storm shadow", "Storm Shadow", "cruise missile"),
    ("scalp", "Storm Shadow", "cruise missile"),
    ("himars", "HIMARS", "rocket artillery"),
    ("iskander", "Iskander", "short-range ballistic missile"),
    ("kinschal", "Kinzhal", "air-launched ballistic missile"),
    ("kinzhal", "Kinzhal", "air-launched ballistic missile"),
    ("kalibr", "Kalibr", "cruise missile"),
    ("shahed", "Shahed", "loitering munition"),
    ("geran", "Shahed", "loitering munition"),
    ("bayraktar", "Bayraktar TB2", "combat drone"),
    ("taurus", "Taurus", "cruise missile"),
    ("patriot", "Patriot", "air defence"),
)

#: Weapon classes by stem, most specific first.
WEAPON_CLASSES: tuple[tuple[str, str], ...] = (
    ("interkontinental", "intercontinental ballistic missile"),
    ("intercontinental", "intercontinental ballistic missile"),
    ("mittelstreckenrakete", "intermediate-range ballistic missile"),
    ("mittelstreckenraketensystem", "intermediate-range ballistic missile"),
    ("intermediate-range", "intermediate-range ballistic missile"),
    ("kurzstreckenrakete", "short-range ballistic missile"),
    ("marschflugkörper", "cruise missile"),
    ("ballistisch", "ballistic missile"),
    ("hyperschall", "hypersonic missile"),
    ("drohne", "drone"),
    ("artillerie", "artillery"),
    ("rakete", "missile"),
)
