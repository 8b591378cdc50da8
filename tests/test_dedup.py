"""Exact and near-duplicate detection on constructed pairs."""

from __future__ import annotations

from lagebild.documents import NearDuplicateIndex, content_id, minhash_bytes, normalise_for_hash
from lagebild.documents.dedup import minhash, minhash_from_bytes, shingles

STORY = (
    "Die Friedenstruppen der Organisation des Vertrags über kollektive Sicherheit haben am Donnerstag "
    "mit dem Abzug aus Kasachstan begonnen. Nach Angaben des Verteidigungsministeriums in Moskau "
    "verließen die ersten Transportflugzeuge mit russischen Fallschirmjägern am Vormittag den Flughafen "
    "von Almaty. Der Abzug soll nach Angaben des Generalsekretärs der Organisation etwa zehn Tage dauern. "
    "Präsident Tokajew hatte zuvor erklärt, die Mission habe ihre Aufgabe erfüllt und die Lage im Land "
    "sei wieder unter Kontrolle. Die Soldaten hatten in den vergangenen Tagen Verwaltungsgebäude, "
    "Kraftwerke und den Flughafen bewacht, während die kasachischen Sicherheitskräfte gegen Demonstranten "
    "vorgingen. Bei den Unruhen waren nach offiziellen Angaben mehr als zweihundert Menschen ums Leben "
    "gekommen, tausende wurden festgenommen. Menschenrechtsorganisationen fordern eine unabhängige "
    "Untersuchung der Ereignisse und werfen den Behörden Folter in der Haft vor. Die Regierung weist die "
    "Vorwürfe zurück und spricht von einem Putschversuch, der von ausländischen Kräften unterstützt "
    "worden sei. Beobachter in Almaty berichten, dass das Leben in der Stadt langsam zur Normalität "
    "zurückkehre, Geschäfte wieder öffneten und der öffentliche Nahverkehr wieder fahre."
)

# The same story as another outlet runs it: a changed word here and there, different
# punctuation and casing, one sentence dropped and one credit sentence added.
LIGHT_EDIT = (
    STORY.replace("am Donnerstag", "am Donnerstagmorgen")
    .replace("etwa zehn Tage", "rund zehn Tage")
    .replace(
        " Menschenrechtsorganisationen fordern eine unabhängige Untersuchung der Ereignisse und "
        "werfen den Behörden Folter in der Haft vor.",
        "",
    )
    .replace("Beobachter in Almaty berichten,", "Beobachter in Almaty berichten:")
    .upper()
    + " Mit Material von Nachrichtenagenturen."
)

# A different story on the same topic, sharing names and some wire phrases.
OTHER_STORY = (
    "Kasachstans Präsident Tokajew hat am Dienstag im Parlament eine neue Regierung vorgestellt. "
    "Neuer Ministerpräsident wird der bisherige erste Vizeregierungschef Alichan Smailow. Tokajew "
    "kündigte an, die Friedenstruppen der Organisation des Vertrags über kollektive Sicherheit würden "
    "das Land in den kommenden Tagen verlassen. Zugleich kritisierte er die frühere Führung des Landes "
    "scharf: Unter seinem Vorgänger Nasarbajew sei eine Schicht sehr reicher Menschen entstanden, die "
    "ihren Wohlstand nicht mit der Bevölkerung teile. Er kündigte höhere Abgaben für große Unternehmen "
    "und einen Fonds für soziale Projekte an. Die Proteste hatten sich Anfang Januar an gestiegenen "
    "Preisen für Flüssiggas entzündet und sich rasch auf das ganze Land ausgeweitet. Die Regierung war "
    "daraufhin zurückgetreten. Wirtschaftsexperten erwarten, dass die angekündigten Reformen nur "
    "langsam umgesetzt werden, weil einflussreiche Familien weiterhin wichtige Branchen kontrollieren."
)


def test_normalise_for_hash_ignores_case_and_whitespace() -> None:
    assert normalise_for_hash("  Die  OVKS\n\nzieht ab ") == "die ovks zieht ab"
    assert content_id("Die OVKS zieht ab.") == content_id("die   ovks\nZIEHT ab.")
    assert content_id("Die OVKS zieht ab.") != content_id("Die OVKS zieht nicht ab.")


def test_light_edit_is_found_and_other_story_is_not() -> None:
    index = NearDuplicateIndex()
    index.add("original", STORY)
    index.add("other", OTHER_STORY)
    scored = index.query_scored(LIGHT_EDIT)
    assert [doc_id for doc_id, _ in scored] == ["original"]
    assert scored[0][1] >= 0.7
    assert index.query(OTHER_STORY) == ["other"]
    assert "original" not in index.query(OTHER_STORY)


def test_estimated_jaccard_tracks_true_jaccard() -> None:
    edited, original, other = shingles(LIGHT_EDIT), shingles(STORY), shingles(OTHER_STORY)
    true_near = len(edited & original) / len(edited | original)
    true_far = len(other & original) / len(other | original)
    assert 0.7 < true_near < 0.8 and true_far < 0.1
    assert abs(minhash(LIGHT_EDIT).jaccard(minhash(STORY)) - true_near) < 0.1


def test_index_rebuilds_from_stored_signatures() -> None:
    stored = {"original": minhash_bytes(STORY), "other": minhash_bytes(OTHER_STORY)}
    assert all(len(signature) == 128 * 8 for signature in stored.values())
    rebuilt = NearDuplicateIndex()
    for doc_id, signature in stored.items():
        rebuilt.add_signature(doc_id, signature)
    assert len(rebuilt) == 2
    assert rebuilt.query(LIGHT_EDIT) == ["original"]
    assert minhash_from_bytes(stored["original"]).jaccard(minhash(STORY)) == 1.0


def test_add_returns_the_signature_it_indexes() -> None:
    index = NearDuplicateIndex()
    assert index.add("a", STORY) == minhash_bytes(STORY)
    assert "a" in index and "b" not in index
