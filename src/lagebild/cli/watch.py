"""Commands of the watch service: watch rules, protected sites, situation briefs, feed following."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from lagebild.cli import DB_HELP, app, console, errors
from lagebild.errors import LagebildError
from lagebild.store import open_store

watch_app = typer.Typer(
    help="Watch rules: alerts on matching events (Atom feed, webhook).", no_args_is_help=True
)
sites_app = typer.Typer(help="Protected sites and their threat view.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(sites_app, name="sites")


def _fail(error: LagebildError) -> typer.Exit:
    errors.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
    return typer.Exit(1)


@watch_app.command("add")
def watch_add(
    name: str = typer.Argument(..., help="Rule name."),
    type: list[str] = typer.Option([], "--type", help="PLOVER event type (repeatable)."),
    actor: list[str] = typer.Option([], "--actor", help="Actor id or part of its name (repeatable)."),
    place: list[str] = typer.Option([], "--place", help="Place id or part of its name (repeatable)."),
    keyword: list[str] = typer.Option([], "--keyword", help="Word in the evidence sentence (repeatable)."),
    lat: float | None = typer.Option(None, "--lat", help="Centre of a radius condition."),
    lon: float | None = typer.Option(None, "--lon"),
    radius: float = typer.Option(25.0, "--radius", help="Radius in km around --lat/--lon."),
    min_killed: int | None = typer.Option(None, "--min-killed"),
    min_injured: int | None = typer.Option(None, "--min-injured"),
    min_arrested: int | None = typer.Option(None, "--min-arrested"),
    webhook: str | None = typer.Option(None, "--webhook", help="URL receiving a JSON POST per alert."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite a rule of the same name."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Add a watch rule."""
    from lagebild.alerts.rules import add_rule, rule_from_definition

    definition: dict = {"types": type, "actors": actor, "places": place, "keywords": keyword}
    if (lat is None) != (lon is None):
        errors.print("error: give both --lat and --lon")
        raise typer.Exit(2)
    if lat is not None:
        definition["near"] = {"lat": lat, "lon": lon, "radius_km": radius}
    counts = {"killed": min_killed, "injured": min_injured, "arrested": min_arrested}
    definition["min_counts"] = {key: value for key, value in counts.items() if value is not None}
    try:
        rule = add_rule(
            open_store(db), rule_from_definition(name, definition, webhook=webhook), replace=replace
        )
    except LagebildError as error:
        raise _fail(error) from error
    console.print(f"rule {rule.id}: {rule.name}")


@watch_app.command("load")
def watch_load(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="YAML file with a list of rules."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Add (or replace) every rule of a YAML file."""
    from lagebild.alerts.rules import add_rule, load_rules_file

    store = open_store(db)
    try:
        rules = [add_rule(store, rule, replace=True) for rule in load_rules_file(file)]
    except LagebildError as error:
        raise _fail(error) from error
    console.print(f"{len(rules)} rule(s) loaded")


@watch_app.command("list")
def watch_list(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the watch rules."""
    from lagebild.alerts.rules import list_rules

    for rule in list_rules(open_store(db)):
        hook = f" → {rule.webhook}" if rule.webhook else ""
        console.print(
            f"{rule.id}\t{rule.name}\t{json.dumps(rule.definition(), ensure_ascii=False)}{hook}", markup=False
        )


@watch_app.command("remove")
def watch_remove(
    rule: str = typer.Argument(..., help="Rule name or id."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Remove a watch rule and its alerts."""
    from lagebild.alerts.rules import remove_rule

    try:
        remove_rule(open_store(db), rule)
    except LagebildError as error:
        raise _fail(error) from error
    console.print(f"removed {rule}", markup=False)


@watch_app.command("run")
def watch_run(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Evaluate every rule on every stored document (idempotent) and deliver pending webhooks."""
    from sqlalchemy import select

    from lagebild.alerts.notify import deliver_pending, evaluate_new_events
    from lagebild.store.schema import DocumentRow

    store = open_store(db)
    with store.read_session() as session:
        ids = list(session.scalars(select(DocumentRow.id)))
    alerts = evaluate_new_events(store, ids)
    deliver_pending(store)
    console.print(f"{len(alerts)} new alert(s)")


@watch_app.command("feed")
def watch_feed(
    rule: str = typer.Argument(..., help="Rule name or id."),
    base_url: str = typer.Option("http://localhost:8000", "--base-url", help="Where the web app is served."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Print a rule's Atom feed."""
    from lagebild.alerts.notify import atom_feed
    from lagebild.alerts.rules import get_rule

    store = open_store(db)
    try:
        found = get_rule(store, rule)
    except LagebildError as error:
        raise _fail(error) from error
    with store.read_session() as session:
        typer.echo(atom_feed(session, found.id or 0, base_url=base_url).decode())


@sites_app.command("add")
def sites_add(
    name: str = typer.Argument(...),
    lat: float = typer.Option(..., "--lat"),
    lon: float = typer.Option(..., "--lon"),
    category: str | None = typer.Option(
        None, "--category", help="military, civilian, critical_infrastructure or embassy."
    ),
    radius: float = typer.Option(25.0, "--radius", help="Radius in km."),
    replace: bool = typer.Option(False, "--replace", help="Update a site of the same name."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Register a protected site (and its radius watch rule)."""
    from lagebild.alerts.sites import Site, add_site

    try:
        add_site(open_store(db), Site(name, lat, lon, category, radius), overwrite=replace)
    except LagebildError as error:
        raise _fail(error) from error
    console.print(f"site {name}: {lat}, {lon}, {radius} km", markup=False)


@sites_app.command("import")
def sites_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or GeoJSON file."),
    replace: bool = typer.Option(False, "--replace", help="Update sites of the same name."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Register every site of a CSV (name,lat,lon,category,radius_km) or GeoJSON file."""
    from lagebild.alerts.sites import import_sites

    try:
        sites = import_sites(open_store(db), file, overwrite=replace)
    except LagebildError as error:
        raise _fail(error) from error
    console.print(f"{len(sites)} site(s) imported")


@sites_app.command("list")
def sites_list(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the protected sites with their threat level."""
    from lagebild.alerts.sites import list_sites, threat_view

    store = open_store(db)
    with store.read_session() as session:
        for site in list_sites(session):
            view = threat_view(session, site)
            console.print(
                f"{site.name}\t{site.category or '-'}\t{site.latitude:.4f},{site.longitude:.4f}\t"
                f"{site.radius_km:g} km\t{len(view.events)} events\t{view.level}",
                markup=False,
            )


@sites_app.command("remove")
def sites_remove(name: str = typer.Argument(...), db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Remove a site and its watch rule."""
    from lagebild.alerts.sites import remove_site

    try:
        remove_site(open_store(db), name)
    except LagebildError as error:
        raise _fail(error) from error
    console.print(f"removed {name}", markup=False)


@app.command("site")
def site_view(
    name: str = typer.Argument(...),
    since: str | None = typer.Option(None, "--since"),
    until: str | None = typer.Option(None, "--until"),
    granularity: str = typer.Option("month", "--by", help="Trend per week or month."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Threat view of a site: events within its radius, by type and severity, trend, sources."""
    from lagebild.alerts.sites import get_site, threat_view

    store = open_store(db)
    with store.read_session() as session:
        try:
            view = threat_view(
                session, get_site(session, name), since=since, until=until, granularity=granularity
            )
        except LagebildError as error:
            raise _fail(error) from error
        site = view.site
        console.print(
            f"{site.name} ({site.category or '-'}), {site.radius_km:g} km – threat level {view.level}"
        )
        console.print(
            "by type: " + ", ".join(f"{key} {value}" for key, value in view.by_type.items()), markup=False
        )
        console.print(
            "by severity: " + ", ".join(f"{k} {v}" for k, v in view.by_severity.items()), markup=False
        )
        console.print(
            "trend: " + ", ".join(f"{period} {count}" for period, count in view.trend), markup=False
        )
        for item in view.events:
            event, source = item.event, item.source
            console.print(
                f"{event.date or '?'}\t{event.type}\t{item.severity_label}\t{event.place or '-'}\t"
                f"{item.distance_km:g} km\t{source.document_id} {source.outlet or '?'} „{source.title or '?'}“\n"
                f"\t{item.evidence}",
                markup=False,
                soft_wrap=True,
            )


@app.command("brief")
def brief(
    region: str | None = typer.Option(None, "--region", help="Place or country name."),
    since: str | None = typer.Option(None, "--since"),
    until: str | None = typer.Option(None, "--until"),
    site: str | None = typer.Option(None, "--site", help="A protected site's name."),
    lang: str = typer.Option("de", "--lang", help="de or en."),
    fmt: str = typer.Option("md", "--format", help="md or html (pdf is not supported)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write (default: stdout)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Write a sourced situation report; every statement is footnoted to its documents."""
    from lagebild.alerts.brief import BriefOptions, build_brief, render_brief

    if lang not in ("de", "en") or fmt not in ("md", "html"):
        errors.print("error: --lang takes de or en, --format md or html")
        raise typer.Exit(2)
    store = open_store(db)
    with store.read_session() as session:
        try:
            report = build_brief(session, BriefOptions(region, since, until, site, lang))  # type: ignore[arg-type]
        except LagebildError as error:
            raise _fail(error) from error
    text = render_brief(report, fmt)  # type: ignore[arg-type]
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", markup=False)


@app.command("follow")
def follow(
    feeds: Path = typer.Argument(..., exists=True, dir_okay=False, help="FEEDS.yaml"),
    once: bool = typer.Option(False, "--once", help="Poll once and stop."),
    interval: float | None = typer.Option(
        None, "--interval", help="Seconds between polls (overrides the file)."
    ),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow feeds and webhooks on private or loopback addresses."
    ),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Poll RSS/Atom feeds, fetch and ingest new articles, raise alerts."""
    from dataclasses import replace

    from lagebild.alerts.follow import Follower, load_follow_config

    try:
        config = load_follow_config(feeds)
    except LagebildError as error:
        raise _fail(error) from error
    if interval is not None:
        config = replace(config, interval_s=interval)
    if allow_private:
        config = replace(config, allow_private=True)
    follower = Follower(open_store(db), config)
    try:
        while True:
            report = follower.poll()
            console.print(
                f"feeds {report.feeds} (unchanged {report.not_modified}), articles {report.articles_fetched}, "
                f"{report.summary.line()}, alerts {len(report.alerts)}",
                markup=False,
            )
            for problem in report.errors:
                errors.print(problem, markup=False)
            if once:
                break
            time.sleep(config.interval_s)
    except KeyboardInterrupt:
        pass
    finally:
        follower.close()
