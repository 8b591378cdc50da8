"""HTTP endpoints of the watch service: JSON under ``/api/v1`` and two HTML pages.

Mount with ``app.include_router(lagebild.alerts.routes.router)``.  Reads follow the
app's read policy; writes need the API token (``lagebild.api.security.require_write``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lagebild.alerts.notify import atom_feed
from lagebild.alerts.rules import RuleError, add_rule, list_rules, remove_rule, rule_from_definition
from lagebild.alerts.sites import (
    CATEGORIES,
    Site,
    SiteError,
    add_site,
    get_site,
    list_sites,
    remove_site,
    threat_view,
)
from lagebild.api.security import require_read, require_write
from lagebild.store.schema import WatchRuleRow

HERE = Path(__file__).resolve().parent
WEB_TEMPLATES = HERE.parent / "web" / "templates"
TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), FileSystemLoader(WEB_TEMPLATES)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
#: Events listed per site on the sites page and in the JSON threat view.
EVENTS_PER_SITE = 50


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.store.read_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]
router = APIRouter(dependencies=[Depends(require_read)])


class SiteIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    category: str | None = Field(None, description=", ".join(CATEGORIES))
    radius_km: float = Field(25.0, gt=0, le=2000)


class RuleIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    definition: dict[str, Any] = Field(default_factory=dict)
    webhook: str | None = Field(None, max_length=2000)


def _site_json(session: Session, site: Site, *, events: int = EVENTS_PER_SITE) -> dict[str, Any]:
    view = threat_view(session, site)
    return {
        "name": site.name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "category": site.category,
        "radius_km": site.radius_km,
        "threat_level": view.level,
        "by_type": view.by_type,
        "by_severity": view.by_severity,
        "trend": [{"period": period, "count": count} for period, count in view.trend],
        "events": [
            {
                "id": item.event.id,
                "type": item.event.type,
                "date": item.event.date,
                "place": item.event.place,
                "distance_km": item.distance_km,
                "severity": item.severity_label,
                "evidence": item.evidence,
                "document_id": item.source.document_id,
                "outlet": item.source.outlet,
                "title": item.source.title,
                "published": item.source.published,
            }
            for item in view.events[:events]
        ],
    }


@router.get("/api/v1/sites", tags=["watch"], summary="Protected sites with threat level and nearby events")
def sites_json(session: SessionDep) -> list[dict[str, Any]]:
    return [_site_json(session, site, events=10) for site in list_sites(session)]


@router.get("/api/v1/sites/{name}", tags=["watch"], summary="One site's threat view")
def site_json(name: str, session: SessionDep) -> dict[str, Any]:
    try:
        return _site_json(session, get_site(session, name))
    except SiteError as error:
        raise HTTPException(404, str(error)) from error


@router.post("/api/v1/sites", tags=["watch"], status_code=201, dependencies=[Depends(require_write)])
def create_site(body: SiteIn, request: Request) -> dict[str, Any]:
    try:
        site = add_site(request.app.state.store, Site(**body.model_dump()))
    except SiteError as error:
        raise HTTPException(409 if "exists" in str(error) else 422, str(error)) from error
    return {"name": site.name}


@router.delete("/api/v1/sites/{name}", tags=["watch"], status_code=204, dependencies=[Depends(require_write)])
def delete_site(name: str, request: Request) -> Response:
    try:
        remove_site(request.app.state.store, name)
    except SiteError as error:
        raise HTTPException(404, str(error)) from error
    return Response(status_code=204)


@router.get("/api/v1/watch", tags=["watch"], summary="Watch rules")
def rules_json(request: Request) -> list[dict[str, Any]]:
    return [
        {"id": rule.id, "name": rule.name, "definition": rule.definition(), "webhook": bool(rule.webhook)}
        for rule in list_rules(request.app.state.store)
    ]


@router.post("/api/v1/watch", tags=["watch"], status_code=201, dependencies=[Depends(require_write)])
def create_rule(body: RuleIn, request: Request) -> dict[str, Any]:
    try:
        rule = add_rule(
            request.app.state.store, rule_from_definition(body.name, body.definition, webhook=body.webhook)
        )
    except RuleError as error:
        raise HTTPException(409 if "exists" in str(error) else 422, str(error)) from error
    return {"id": rule.id, "name": rule.name}


@router.delete(
    "/api/v1/watch/{rule_id}", tags=["watch"], status_code=204, dependencies=[Depends(require_write)]
)
def delete_rule(rule_id: int, request: Request) -> Response:
    try:
        remove_rule(request.app.state.store, rule_id)
    except RuleError as error:
        raise HTTPException(404, str(error)) from error
    return Response(status_code=204)


@router.get("/api/v1/watch/{rule_id}/feed.atom", tags=["watch"], summary="A rule's alerts as Atom 1.0")
def rule_feed(rule_id: int, request: Request, session: SessionDep) -> Response:
    if session.get(WatchRuleRow, rule_id) is None:
        raise HTTPException(404, f"no rule {rule_id}")
    data = atom_feed(session, rule_id, base_url=str(request.base_url))
    return Response(data, media_type="application/atom+xml")


@router.get("/watch/static/sites.js", include_in_schema=False)
def sites_script() -> FileResponse:
    return FileResponse(HERE / "static" / "sites.js", media_type="text/javascript")


@router.get("/sites", include_in_schema=False, response_class=HTMLResponse)
def sites_page(request: Request, session: SessionDep) -> HTMLResponse:
    sites = [_site_json(session, site, events=10) for site in list_sites(session)]
    return TEMPLATES.TemplateResponse(request, "sites.html", {"sites": sites})


@router.get("/watch", include_in_schema=False, response_class=HTMLResponse)
def watch_page(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> HTMLResponse:
    rules = list_rules(request.app.state.store)[:limit]
    return TEMPLATES.TemplateResponse(request, "watch.html", {"rules": rules})
