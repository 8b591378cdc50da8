"""Every API operation checked against its own OpenAPI description with schemathesis."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api_fixtures import build_store
from lagebild.api import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# Schemathesis needs the app when the tests are collected, so the fixture store is built then.
_STORE_DIR = tempfile.TemporaryDirectory(prefix="lagebild-schema-")
STORE = build_store(Path(_STORE_DIR.name) / "schema.db")
# A token is configured, but the generated requests carry none: writes answer 401, reads are public.
APP = create_app(STORE, token="schema-test-token")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_operation_conforms_to_its_description(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


def test_every_operation_is_described() -> None:
    document = APP.openapi()
    paths = set(document["paths"])
    assert {
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/entities",
        "/api/v1/entities/{entity_id}",
        "/api/v1/mentions",
        "/api/v1/events",
        "/api/v1/timeline",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/claims",
        "/api/v1/sources",
        "/api/v1/search",
    } <= paths
    assert not any(path.startswith("/api/v1") is False for path in paths)  # pages stay out of the API
    upload = document["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data"}
