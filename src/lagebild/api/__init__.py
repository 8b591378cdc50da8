"""REST API (``/api/v1``) and web UI over a lagebild store."""

from lagebild.api.app import create_app

__all__ = ["create_app"]
