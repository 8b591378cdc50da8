"""Cut a document's clean text into segments marked with the entities, times and event
evidence that cover them, so a template can highlight them without ever emitting raw HTML."""

from __future__ import annotations

from dataclasses import dataclass, field

from lagebild.api.schemas import EventOut, MentionOut, TimeOut


@dataclass
class Segment:
    text: str
    mention: MentionOut | None = None
    time: TimeOut | None = None
    events: list[EventOut] = field(default_factory=list)
    #: Events whose evidence begins here (an anchor is placed before the segment).
    anchors: list[str] = field(default_factory=list)


def segments(
    text: str, mentions: list[MentionOut], times: list[TimeOut], events: list[EventOut]
) -> list[Segment]:
    """``text`` split at every span boundary; each piece knows which spans cover it."""
    length = len(text)

    def clip(start: int, end: int) -> tuple[int, int]:
        return max(0, min(start, length)), max(0, min(end, length))

    boundaries = {0, length}
    for span in [*mentions, *times]:
        boundaries.update(clip(span.start, span.end))
    for event in events:
        boundaries.update(clip(event.evidence_start, event.evidence_end))
    cuts = sorted(boundaries)
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start == end:
            continue
        result.append(
            Segment(
                text=text[start:end],
                mention=next((m for m in mentions if m.start <= start and end <= m.end), None),
                time=next((t for t in times if t.start <= start and end <= t.end), None),
                events=[e for e in events if e.evidence_start <= start and end <= e.evidence_end],
                anchors=[e.id for e in events if max(0, e.evidence_start) == start],
            )
        )
    return result
