"""Event coding: PLOVER type and mode, CAMEO and ACLED codes, arguments, modality and evidence."""

from lagebild.events.extract import extract_events

__all__ = ["extract_events"]
