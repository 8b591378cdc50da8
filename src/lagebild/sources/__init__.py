"""Readers: files, directories and containers in, ``RawDocument`` records out.

``iter_inputs`` walks paths and yields a ``RawDocument`` for every article it can
read and a ``ReadFailure`` for everything it cannot, so that one bad file never
stops a batch.
"""

from lagebild.sources.readers import ReadFailure, iter_inputs, read_bytes_limited

__all__ = ["ReadFailure", "iter_inputs", "read_bytes_limited"]
