"""The technicians' monitor (every screen's state) and the incidents recorded against screens."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from hub_videotron.config import now
from hub_videotron.models import Screen
from hub_videotron.monitor import screen_states
from hub_videotron.records import INCIDENT_KINDS, Incident, IncidentStatus
from hub_videotron.views import bp

from hub.sdk import db, record_audit, require


@bp.get("/monitor")
@require("screen.monitor")
def monitor():
    from hub_videotron.alerts import ensure_watch

    ensure_watch()
    rows = screen_states()
    return render_template(
        "videotron/monitor.html",
        rows=rows,
        online_count=sum(1 for r in rows if r["online"]),
        at=now(),
    )


@bp.get("/incidents")
@require("screen.monitor")
def incidents():
    rows = db.session.scalars(
        db.select(Incident)
        .order_by((Incident.status == IncidentStatus.OPEN.value).desc(), Incident.opened_at.desc())
        .limit(200)
    ).all()
    return render_template("videotron/incidents.html", incidents=rows, kinds=INCIDENT_KINDS)


@bp.post("/screens/<int:screen_id>/incidents")
@require("screen.monitor")
def incident_open(screen_id: int):
    screen = db.session.get(Screen, screen_id) or abort(404)
    title = request.form.get("title", "").strip()
    kind = request.form.get("kind", "other")
    if not title or kind not in INCIDENT_KINDS:
        flash(_("Describe the problem in a short title and choose its kind."), "error")
        return redirect(url_for(".screen", screen_id=screen.id))
    incident = Incident(
        screen_id=screen.id,
        kind=kind,
        title=title[:300],
        description=request.form.get("description", "").strip(),
        opened_at=now(),
        opened_by_id=g.user.id,
    )
    db.session.add(incident)
    db.session.flush()
    record_audit(
        "videotron.incident_opened", target_type="videotron_incident", target_id=incident.id, details={"kind": kind}
    )
    db.session.commit()
    flash(_("Incident recorded."), "success")
    return redirect(url_for(".screen", screen_id=screen.id))


@bp.post("/incidents/<int:incident_id>/resolve")
@require("screen.monitor")
def incident_resolve(incident_id: int):
    incident = db.session.get(Incident, incident_id) or abort(404)
    resolution = request.form.get("resolution", "").strip()
    if incident.status != IncidentStatus.OPEN.value:
        flash(_("This incident is already resolved."), "error")
    elif not resolution:
        flash(_("Write what was done to resolve it."), "error")
    else:
        incident.status = IncidentStatus.RESOLVED.value
        incident.resolution = resolution
        incident.resolved_at = now()
        incident.resolved_by_id = g.user.id
        record_audit("videotron.incident_resolved", target_type="videotron_incident", target_id=incident.id)
        db.session.commit()
        flash(_("Incident resolved."), "success")
    return redirect(
        request.form.get("next")
        if request.form.get("next", "").startswith("/videotron/")
        else url_for(".screen", screen_id=incident.screen_id)
    )
