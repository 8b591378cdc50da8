"""Event coding on hand-built analyses (mentions and times placed by hand, no models)."""

from __future__ import annotations

import pytest

from lagebild.events import extract_events
from lagebild.events.ontology import PLOVER_MODES, PLOVER_TYPES, acled_code, cameo_root
from lagebild.models import Analysis, Event, Mention, TimeExpression


def mention(text: str, surface: str, label: str, canonical: str | None = None, **fields: object) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, label, canonical_name=canonical or surface, **fields)


def when(text: str, surface: str, value: str, precision: str = "day", **fields: object) -> TimeExpression:
    start = text.index(surface)
    return TimeExpression(start, start + len(surface), surface, value, precision, **fields)  # type: ignore[arg-type]


def only(events: list[Event], event_type: str) -> Event:
    matching = [e for e in events if e.type == event_type]
    assert len(matching) == 1, [(e.type, e.trigger) for e in events]
    return matching[0]


def test_protest_in_tbilisi_is_a_peaceful_protest_with_place_and_date() -> None:
    text = "Tausende Menschen demonstrierten am Sonntag in Tiflis gegen das umstrittene Agentengesetz."
    analysis = Analysis(
        text=text,
        published="2024-05-13",
        mentions=[
            mention(text, "Tiflis", "LOC", "Tiflis", entity_id="gn:611717", latitude=41.69, longitude=44.83)
        ],
        times=[when(text, "am Sonntag", "2024-05-12")],
    )
    event = only(extract_events(analysis), "PROTEST")
    assert (event.mode, event.cameo) == ("demonstrate", "14")
    assert (event.acled_type, event.acled_subtype) == ("Protests", "Peaceful protest")
    assert (event.place, event.place_id, event.latitude) == ("Tiflis", "gn:611717", 41.69)
    assert (event.date, event.date_precision) == ("2024-05-12", "day")
    assert event.modality == "asserted"
    assert (
        text[event.evidence_start : event.evidence_end] == text.rstrip(".") + "." or event.evidence_start == 0
    )


def test_arrest_in_minsk_with_count_actor_role_and_source() -> None:
    text = "Die Polizei nahm in Minsk mehr als 50 Demonstranten fest, teilte die Menschenrechtsorganisation Wjasna mit."
    analysis = Analysis(
        text=text,
        published="2020-08-10",
        mentions=[mention(text, "Minsk", "LOC"), mention(text, "Wjasna", "ORG", entity_id="kb:viasna")],
    )
    event = only(extract_events(analysis), "COERCE")
    assert event.mode == "arrest"
    assert (event.acled_type, event.acled_subtype) == ("Strategic developments", "Arrests")
    assert event.place == "Minsk"
    assert event.arrested == 50
    assert (event.actor, event.actor_role) == ("Polizei", "state forces")
    assert event.modality == "reported"
    assert event.attributed_to == "Wjasna"
    assert event.date == "2020-08-10"  # the publication date, with less confidence


def test_drone_strike_on_odesa_has_mode_casualties_actor_and_target() -> None:
    text = (
        "Bei einem russischen Drohnenangriff auf Odessa wurden nach Angaben der Behörden "
        "drei Menschen getötet und zwölf verletzt."
    )
    analysis = Analysis(text=text, published="2024-03-02", mentions=[mention(text, "Odessa", "LOC")])
    event = only(extract_events(analysis), "ASSAULT")
    assert event.mode == "drone strike"
    assert event.cameo == "18"
    assert (event.acled_type, event.acled_subtype) == ("Explosions/Remote violence", "Air/drone strike")
    assert (event.actor, event.target, event.place) == ("Russland", "Odessa", "Odessa")
    assert (event.killed, event.injured) == (3, 12)
    assert event.modality == "reported"
    assert event.attributed_to == "Behörden"


def test_troop_withdrawal_reported_by_a_ministry() -> None:
    text = (
        "Russland hat am Mittwoch mit dem Abzug seiner Truppen aus der Region Cherson begonnen, "
        "teilte das Verteidigungsministerium in Moskau mit."
    )
    analysis = Analysis(
        text=text,
        published="2022-11-10",
        mentions=[
            mention(text, "Russland", "LOC"),
            mention(text, "Cherson", "LOC"),
            mention(text, "Moskau", "LOC"),
        ],
        times=[when(text, "am Mittwoch", "2022-11-09")],
    )
    event = only(extract_events(analysis), "RETREAT")
    assert (event.mode, event.cameo) == ("withdraw", "08")
    assert event.actor == "Russland"
    assert event.date == "2022-11-09"
    assert event.modality == "reported"
    assert event.attributed_to == "Verteidigungsministerium"


def test_phone_call_between_two_leaders_has_no_invented_place() -> None:
    text = "Bundeskanzler Scholz telefonierte am Freitag mit dem französischen Präsidenten Macron."
    analysis = Analysis(
        text=text,
        published="2023-03-11",
        mentions=[
            mention(text, "Scholz", "PER", "Olaf Scholz", entity_id="Q61053"),
            mention(text, "Macron", "PER", "Emmanuel Macron", entity_id="Q3052772"),
        ],
        times=[when(text, "am Freitag", "2023-03-10")],
    )
    event = only(extract_events(analysis), "CONSULT")
    assert event.mode == "phone call"
    assert (event.actor, event.actor_id) == ("Olaf Scholz", "Q61053")
    assert (event.target, event.target_id) == ("Emmanuel Macron", "Q3052772")
    assert event.place is None
    assert event.date == "2023-03-10"


def test_denial_by_a_ministry_keeps_the_event_and_marks_it_denied() -> None:
    text = "Das Verteidigungsministerium in Moskau dementierte, dass russische Truppen ein Krankenhaus in Charkiw angegriffen hätten."
    analysis = Analysis(text=text, mentions=[mention(text, "Moskau", "LOC"), mention(text, "Charkiw", "LOC")])
    event = only(extract_events(analysis), "ASSAULT")
    assert event.modality == "denied"
    assert event.attributed_to == "Verteidigungsministerium"
    assert event.actor == "Russland"
    assert event.place == "Charkiw"
    assert event.date is None and event.date_precision == "unknown"  # no publication date, no time


def test_planned_and_hypothetical_events() -> None:
    planned = "Die Regierung will am Montag eine Ausgangssperre verhängen."
    hypothetical = "Falls die Proteste andauern, könnte die Regierung den Ausnahmezustand ausrufen."
    assert only(extract_events(Analysis(text=planned)), "COERCE").modality == "planned"
    event = only(extract_events(Analysis(text=hypothetical)), "COERCE")
    assert (event.mode, event.modality) == ("state of emergency", "hypothetical")


def test_negated_support_is_coded_as_a_neutral_rejection() -> None:
    text = "Kasachstan unterstützt weder Russland noch die Ukraine."
    analysis = Analysis(
        text=text,
        mentions=[
            mention(text, "Kasachstan", "LOC"),
            mention(text, "Russland", "LOC"),
            mention(text, "Ukraine", "LOC"),
        ],
    )
    events = extract_events(analysis)
    assert [e.type for e in events] == ["REJECT"]
    assert (events[0].mode, events[0].actor) == ("neutrality", "Kasachstan")


def test_quote_with_trailing_speaker_is_attributed_and_quoted() -> None:
    text = "„Wir haben heute mit dem Abzug unserer Truppen begonnen“, sagte Kremlsprecher Dmitri Peskow."
    analysis = Analysis(
        text=text, mentions=[mention(text, "Dmitri Peskow", "PER", "Dmitri Peskow", entity_id="Q7107")]
    )
    event = only(extract_events(analysis), "RETREAT")
    assert event.modality == "reported"
    assert (event.attributed_to, event.quote) == (
        "Dmitri Peskow",
        "Wir haben heute mit dem Abzug unserer Truppen begonnen",
    )


def test_weapon_claims_are_kept_apart() -> None:
    text = (
        "Putin sagte, Russland habe das System Oreschnik eingesetzt. Die ukrainische Luftwaffe meldete dagegen, "
        "Russland habe eine interkontinentale ballistische Rakete auf Dnipro abgefeuert."
    )
    analysis = Analysis(
        text=text,
        mentions=[mention(text, "Putin", "PER", "Wladimir Putin"), mention(text, "Dnipro", "LOC")],
    )
    weapons = {e.attributed_to: e.weapon for e in extract_events(analysis) if e.type == "ASSAULT"}
    assert weapons["ukrainische Luftwaffe"] == "intercontinental ballistic missile"


def test_date_falls_back_to_the_previous_sentence_then_to_publication() -> None:
    text = "Am 6. Januar begannen Proteste in Almaty. Die Polizei nahm Hunderte Menschen fest.\n\nDie Lage blieb angespannt.\n\nEs kam zu Unruhen."
    analysis = Analysis(
        text=text,
        published="2022-01-07",
        mentions=[mention(text, "Almaty", "LOC")],
        times=[when(text, "Am 6. Januar", "2022-01-06")],
    )
    events = extract_events(analysis)
    arrest = only(events, "COERCE")
    assert (arrest.date, arrest.arrested, arrest.place) == ("2022-01-06", 200, "Almaty")
    riot = [e for e in events if e.trigger == "Unruhen"][0]
    assert riot.date == "2022-01-07"
    assert riot.confidence < arrest.confidence


def test_unknown_year_dates_are_kept_as_given() -> None:
    text = "Am 21. November führte die russische Armee einen massiven Raketenangriff auf die Ukraine durch."
    analysis = Analysis(
        text=text,
        mentions=[mention(text, "Ukraine", "LOC")],
        times=[when(text, "Am 21. November", "XXXX-11-21")],
    )
    event = only(extract_events(analysis), "ASSAULT")
    assert (event.date, event.date_precision) == ("XXXX-11-21", "day")
    assert (event.actor, event.actor_role, event.target, event.mode) == (
        "Russland",
        "state forces",
        "Ukraine",
        "missile strike",
    )


def test_state_of_emergency_has_an_end_date() -> None:
    text = "Am Mittwoch wurde ein landesweiter Ausnahmezustand verhängt, der bis zum 19. Januar gelten soll."
    analysis = Analysis(
        text=text,
        published="2022-01-07",
        times=[
            when(text, "Am Mittwoch", "2022-01-05"),
            when(text, "bis zum 19. Januar", "2022-01-19", kind="range", range_end="2022-01-19"),
        ],
    )
    event = only(extract_events(analysis), "COERCE")
    assert (event.mode, event.date, event.date_end, event.modality) == (
        "state of emergency",
        "2022-01-05",
        "2022-01-19",
        "asserted",
    )


def test_captions_headings_and_english_text() -> None:
    text = "© Foto: Demonstration in Tiflis\nUnruhen in Kasachstan\nPolice arrested 20 protesters in Tbilisi."
    events = extract_events(Analysis(text=text, language="en"))
    assert [(e.type, e.mode, e.arrested) for e in events] == [("COERCE", "arrest", 20)]


def test_ontology_tables_are_consistent() -> None:
    assert set(PLOVER_MODES) == set(PLOVER_TYPES)
    assert cameo_root("PROTEST") == "14" and cameo_root("FIGHT") == "19" and cameo_root("NOPE") is None
    assert acled_code("PROTEST", "riot") is not None and acled_code("PROTEST", "riot").event_type == "Riots"
    assert acled_code("CONSULT", "phone call") is None


def test_separable_verbs_and_rejected_reports() -> None:
    withdrawal = "Die Bundeswehr zieht ihre letzten Soldaten aus Mali ab."
    analysis = Analysis(
        text=withdrawal,
        mentions=[mention(withdrawal, "Bundeswehr", "ORG"), mention(withdrawal, "Mali", "LOC")],
    )
    event = only(extract_events(analysis), "RETREAT")
    assert (event.actor, event.place, event.modality) == ("Bundeswehr", "Mali", "asserted")

    denial = "Der Kreml wies Berichte zurück, wonach russische Soldaten in Syrien getötet worden seien."
    analysis = Analysis(
        text=denial, mentions=[mention(denial, "Kreml", "ORG"), mention(denial, "Syrien", "LOC")]
    )
    event = only(extract_events(analysis), "ASSAULT")
    assert (event.modality, event.attributed_to, event.place) == ("denied", "Kreml", "Syrien")


def test_talks_named_by_title_and_country_genitive() -> None:
    text = (
        "Russlands Präsident Putin und US-Präsident Biden haben am Dienstag per Video miteinander gesprochen."
    )
    analysis = Analysis(
        text=text,
        published="2021-12-08",
        mentions=[
            mention(text, "Russlands", "LOC", "Russland"),
            mention(text, "Putin", "PER", "Wladimir Putin"),
            mention(text, "Biden", "PER", "Joe Biden"),
        ],
        times=[when(text, "am Dienstag", "2021-12-07")],
    )
    event = only(extract_events(analysis), "CONSULT")
    assert (event.actor, event.target, event.place, event.date) == (
        "Wladimir Putin",
        "Joe Biden",
        None,
        "2021-12-07",
    )


def test_dateline_city_is_neither_party_nor_place_and_the_speakers_city_is_not_the_event_place() -> None:
    text = (
        "Rom – Bei einem Drohnenangriff nahe Aleppo ist ein Kommandeur getötet worden. "
        "Soldaten seien dabei verletzt worden, sagte ein Sprecher am Montag in Genf."
    )
    place = dict(latitude=1.0, longitude=1.0)
    analysis = Analysis(
        text=text,
        mentions=[
            mention(text, "Rom", "LOC", entity_id="gn:rom", **place),
            mention(text, "Aleppo", "LOC", entity_id="gn:aleppo", **place),
            mention(text, "Genf", "LOC", entity_id="gn:genf", **place),
        ],
    )
    strike, wounded = [e for e in extract_events(analysis) if e.type == "ASSAULT"]
    assert (strike.mode, strike.place, strike.target, strike.actor) == ("drone strike", "Aleppo", None, None)
    assert wounded.place == "Aleppo" and wounded.modality == "reported"


def test_a_country_prefix_owns_the_strike_and_is_no_place() -> None:
    text = "Der Kommandeur war bei einem US-Luftangriff im Osten Libyens getötet worden."
    analysis = Analysis(
        text=text,
        mentions=[
            mention(text, "US", "LOC", "Vereinigte Staaten", entity_id="Q30", latitude=1.0, longitude=1.0),
            mention(text, "Libyens", "LOC", "Libyen", entity_id="Q1016", latitude=2.0, longitude=2.0),
        ],
    )
    event = only(extract_events(analysis), "ASSAULT")
    assert (event.mode, event.actor, event.place) == ("air strike", "Vereinigte Staaten", "Libyen")


def test_what_is_demanded_recalled_or_asked_about_is_not_an_event() -> None:
    cases = {
        "Die Demonstranten forderten die Freilassung inhaftierter Aktivisten.": {"DEMAND"},
        "Die Regierung hat die Verbündeten aufgefordert, Luftangriffe gegen die Miliz zu fliegen.": {
            "REQUEST"
        },
        "Noch ist unklar, ob es sich um einen Unfall oder einen Anschlag handelte.": set(),
        "Die Tat erinnert an frühere Anschläge der Gruppe.": set(),
        "Seit 2009 wurden bei Anschlägen der Gruppe mindestens 14.000 Menschen getötet.": set(),
        "Die Behörden haben Mitglieder der verbotenen Partei festgenommen.": {"COERCE"},
        "Die Demonstranten warfen Steine vor dem Gebäude des Parlaments.": set(),
        "Die Regierung warf der Opposition vor, die Unruhen geschürt zu haben.": {"ACCUSE"},
    }
    for text, expected in cases.items():
        events = extract_events(Analysis(text=text))
        assert {e.type for e in events} == expected, (text, [(e.type, e.trigger) for e in events])
    request = only(extract_events(Analysis(text=next(t for t in cases if "Luftangriffe" in t))), "REQUEST")
    assert request.mode == "military aid"


def test_casualty_verbs_code_an_attack_with_its_toll() -> None:
    text = "Nach Angaben des Roten Kreuzes starben 32 Menschen, 80 weitere wurden verletzt."
    event = only(extract_events(Analysis(text=text)), "ASSAULT")
    assert (event.killed, event.injured, event.modality) == (32, 80, "reported")
    shot = only(extract_events(Analysis(text="Ein Angreifer hat einen Polizisten angeschossen.")), "ASSAULT")
    assert shot.mode == "shooting"
    arrest = only(
        extract_events(Analysis(text="Der Verdächtige wurde kurz darauf von der Polizei festgenommen.")),
        "COERCE",
    )
    assert arrest.actor == "Polizei"


def test_a_subject_before_another_event_verb_is_that_verbs_and_help_is_no_support_event() -> None:
    text = "Die Lage eskalierte, als Demonstranten das Rathaus stürmten und die Polizei 40 Menschen festnahm."
    events = extract_events(Analysis(text=text))
    assert (only(events, "PROTEST").actor, only(events, "COERCE").actor) == ("Demonstranten", "Polizei")
    assert only(events, "COERCE").arrested == 40
    helped = extract_events(Analysis(text="Mit Unterstützung der Armee räumte die Polizei den Platz."))
    assert "SUPPORT" not in {e.type for e in helped}


def test_the_reporting_clause_gives_neither_place_nor_target_and_compound_sources_are_named() -> None:
    text = (
        "Die Armee griff ein Lager bei Chan Junis an. "
        "Bei dem Angriff seien zwei Menschen verletzt worden, sagte ein Sprecher in Gaza der Agentur AFP."
    )
    analysis = Analysis(
        text=text,
        mentions=[
            mention(text, "Chan Junis", "LOC", entity_id="gn:junis", latitude=1.0, longitude=1.0),
            mention(text, "Gaza", "LOC", entity_id="gn:gaza", latitude=1.0, longitude=1.0),
            mention(text, "AFP", "ORG", "Agence France-Presse", entity_id="kb:afp"),
        ],
    )
    first, event = [e for e in extract_events(analysis) if e.type == "ASSAULT"]
    assert (first.place, first.actor) == ("Chan Junis", "Armee")
    assert (event.target, event.place, event.injured, event.modality) == (None, "Chan Junis", 2, "reported")
    text = "Vergangene Woche hatten Soldaten nach Pentagon-Angaben einen Kommandeur getötet."
    analysis = Analysis(text=text, mentions=[mention(text, "Pentagon", "ORG", entity_id="kb:pentagon")])
    assert only(extract_events(analysis), "ASSAULT").attributed_to == "Pentagon"
    text = "Wie die Organisation am Donnerstag mitteilte, wurde der Kommandeur bei einem Angriff getötet."
    assert only(extract_events(Analysis(text=text)), "ASSAULT").attributed_to == "Organisation"


def test_a_verbless_heading_names_a_topic_but_a_headline_with_a_predicate_is_coded() -> None:
    assert extract_events(Analysis(text="Mehrere Festnahmen an neuem Feiertag in der Hauptstadt.")) == []
    assert extract_events(Analysis(text="Großeinsatz von Armee und Polizei in südöstlicher Provinz.")) == []
    coded = extract_events(Analysis(text="Beamter schwer verletzt – Angreifer festgenommen."))
    assert {e.type for e in coded} == {"ASSAULT", "COERCE"}


WIDER_LEXICON = [
    ("Die Miliz soll in dem Dorf Giftgas eingesetzt haben.", "ASSAULT"),
    ("Laut den Inspektoren verwendete die Armee Chlorgas gegen die Stadt.", "ASSAULT"),
    ("Die Luftwaffe setzte über dem Tal Fassbomben ein.", "ASSAULT"),
    ("Unbekannte schossen am Abend auf eine Polizeistation.", "ASSAULT"),
    ("Rebellen haben über der Provinz einen Hubschrauber abgeschossen.", "ASSAULT"),
    ("Ein Selbstmordattentäter zündete vor der Moschee einen Sprengsatz.", "ASSAULT"),
    ("Bewaffnete verschleppten in der Nacht zwölf Schüler.", "ASSAULT"),
    ("Zwei Polizisten erlagen am Sonntag ihren Verletzungen.", "ASSAULT"),
    ("Die Zahl der Toten ist inzwischen auf neun gestiegen.", "ASSAULT"),
    ("Der Gouverneur wurde vor seinem Haus erschossen.", "ASSAULT"),
    ("Die Belagerung der Hafenstadt dauert seit Wochen an.", "FIGHT"),
    ("Regierungstruppen eroberten am Samstag die Grenzstadt.", "FIGHT"),
    ("Hunderte Demonstranten blockierten die Autobahn nach Süden.", "PROTEST"),
    ("Zwei Journalisten wurden am Flughafen in Haft genommen.", "COERCE"),
    ("Die Polizei löste die Kundgebung vor dem Parlament mit Gewalt auf.", "COERCE"),
    ("Die Beamten setzten gegen die Menge Tränengas ein.", "COERCE"),
    ("Die Regierung wies die Anschuldigungen am Dienstag entschieden zurück.", "REJECT"),
    ("Der Minister lehnte das Angebot der Opposition ab.", "REJECT"),
    ("Die Behörden verhängten ein Embargo gegen das Nachbarland.", "SANCTION"),
    ("Beide Staaten brachen ihre diplomatischen Beziehungen ab.", "SANCTION"),
    ("Die Konfliktparteien einigten sich auf einen Gefangenenaustausch.", "AGREE"),
    ("Der Premierminister trat nach den Enthüllungen zurück.", "CONCEDE"),
    ("Die Vereinten Nationen schickten einen Hilfskonvoi in die belagerte Region.", "AID"),
    ("Die Staatsanwaltschaft leitete eine Untersuchung zu dem Vorfall ein.", "INVESTIGATE"),
]


@pytest.mark.parametrize(("text", "event_type"), WIDER_LEXICON)
def test_wider_lexicon_codes_new_verbs_and_nouns(text: str, event_type: str) -> None:
    event = only(extract_events(Analysis(text=text, published="2023-03-01")), event_type)
    assert event.trigger is not None and event.trigger in text


@pytest.mark.parametrize(
    "text",
    [
        "Das Team setzte auf einen neuen Trainer.",
        "Die Zahl der Toten im Bürgerkrieg wird auf 300.000 geschätzt.",
        "Sie zündeten Kerzen für die Opfer an.",
        "Der Konzern will Chlorgas künftig sicherer lagern.",
        "Die Truppen marschierten am Morgen über die Brücke.",
    ],
)
def test_wider_lexicon_stays_quiet_without_its_context(text: str) -> None:
    events = extract_events(Analysis(text=text, published="2023-03-01"))
    assert not [e for e in events if e.type in ("ASSAULT", "PROTEST")], [(e.type, e.trigger) for e in events]


def test_toll_raised_to_a_number_is_a_killed_count() -> None:
    text = "Nach dem Bombenanschlag auf den Markt stieg die Zahl der Toten auf elf."
    event = only(extract_events(Analysis(text=text, published="2023-03-01")), "ASSAULT")
    assert event.killed == 11


def test_a_rejection_is_asserted_not_denied() -> None:
    text = "Das Außenministerium wies die Kritik der Nachbarstaaten am Montag scharf zurück."
    event = only(extract_events(Analysis(text=text, published="2023-03-01")), "REJECT")
    assert event.modality == "asserted"


def test_claim_of_responsibility_for_an_attentat_is_no_new_attack() -> None:
    text = "Eine Splittergruppe bekannte sich am Abend zu dem Attentat auf den Bürgermeister."
    events = extract_events(Analysis(text=text, published="2023-03-01"))
    assert not [e for e in events if e.type == "ASSAULT"], [(e.type, e.trigger) for e in events]


def test_attackers_who_died_are_casualties() -> None:
    text = "Zwei der Täter seien noch in der Nacht im Krankenhaus verstorben."
    event = only(extract_events(Analysis(text=text, published="2023-03-01")), "ASSAULT")
    assert event.mode == "killing"
