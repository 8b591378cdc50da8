"""Opaque keyset cursors: a page continues after the last row's sort key, so pages stay stable
while new rows arrive (no skipped or repeated rows as with offsets)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

#: Hard cap on ``limit``: one request never loads more rows than this.
MAX_LIMIT = 500
DEFAULT_LIMIT = 50


class BadCursor(ValueError):
    """The cursor was not produced by this endpoint."""


@dataclass(frozen=True)
class SortKey:
    column: Any
    descending: bool = False


def encode_cursor(kind: str, values: Sequence[Any]) -> str:
    payload = json.dumps({"k": kind, "v": list(values)}, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str, length: int) -> list[Any]:
    """The sort-key values inside ``cursor``; ``BadCursor`` for anything this endpoint did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise BadCursor("invalid cursor") from error
    if not isinstance(payload, dict) or payload.get("k") != kind:
        raise BadCursor("cursor belongs to another list")
    values = payload.get("v")
    if (
        not isinstance(values, list)
        or len(values) != length
        or not all(isinstance(value, str | int | float) and not isinstance(value, bool) for value in values)
    ):
        raise BadCursor("invalid cursor")
    return values


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> Any:
    """Rows strictly after ``values`` in the order of ``keys``."""
    alternatives = []
    for index, key in enumerate(keys):
        equal = [keys[before].column == values[before] for before in range(index)]
        beyond = key.column < values[index] if key.descending else key.column > values[index]
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives)


def keyset_page(
    session: Session,
    statement: Select[Any],
    *,
    kind: str,
    keys: Sequence[SortKey],
    key_of: Callable[[Any], Sequence[Any]],
    cursor: str | None,
    limit: int,
    scalars: bool = True,
) -> tuple[list[Any], str | None]:
    """Run ``statement`` ordered by ``keys`` from ``cursor``; returns the rows and the next cursor."""
    if cursor:
        statement = statement.where(_after(keys, decode_cursor(kind, cursor, len(keys))))
    statement = statement.order_by(*[key.column.desc() if key.descending else key.column for key in keys])
    result = (
        session.scalars(statement.limit(limit + 1))
        if scalars
        else session.execute(statement.limit(limit + 1))
    )
    rows = list(result)
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(kind, key_of(rows[-1]))


def offset_page(kind: str, cursor: str | None) -> int:
    """The offset inside an offset cursor (used where the order is a relevance score)."""
    if not cursor:
        return 0
    (offset,) = decode_cursor(kind, cursor, 1)
    if not isinstance(offset, int) or offset < 0:
        raise BadCursor("invalid cursor")
    return offset
