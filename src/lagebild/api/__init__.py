"""REST API (``/api/v1``) and web UI over a lagebild store."""

from lagebild.api.app import create_app
from lagebild.api.ratelimit import RateLimit

__all__ = ["RateLimit", "create_app"]
