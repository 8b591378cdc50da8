"""Exports of stories and claims (``lagebild export --what stories|claims``)."""

from __future__ import annotations

from typing import IO

from sqlalchemy.orm import Session

from lagebild.exports import register, write_rows
from lagebild.stories.queries import CLAIM_FIELDS, STORY_FIELDS, claim_records, story_records


@register("stories", ["jsonl", "csv"])
def export_stories(session: Session, fmt: str, handle: IO[str]) -> None:
    write_rows(handle, story_records(session), fmt, STORY_FIELDS)


@register("claims", ["jsonl", "csv"])
def export_claims(session: Session, fmt: str, handle: IO[str]) -> None:
    write_rows(handle, claim_records(session), fmt, CLAIM_FIELDS)
