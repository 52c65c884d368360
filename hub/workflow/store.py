"""Workflows in the database: save a definition as a new version, read and export them.

Saving never changes a version that exists: an edited definition becomes the next
version, and items keep the version they started with. Saving the same definition
again adds nothing. Functions here add to the session; the caller commits.
"""

from __future__ import annotations

import json
from functools import lru_cache

from hub.extensions import db
from hub.workflow import definition as defs
from hub.workflow import document
from hub.workflow.definition import WorkflowDef
from hub.workflow.errors import InvalidRequest
from hub.workflow.models import Workflow, WorkflowAssignment, WorkflowVersion


def get_workflow(code: str) -> Workflow | None:
    return db.session.execute(db.select(Workflow).filter_by(code=code)).scalar()


def get_version(workflow: Workflow, number: int | None = None) -> WorkflowVersion:
    number = number or workflow.latest_version
    version = db.session.execute(db.select(WorkflowVersion).filter_by(workflow_id=workflow.id, number=number)).scalar()
    if version is None:
        raise InvalidRequest(
            f"Alur kerja {workflow.code} tidak punya versi {number}",
            f"Workflow {workflow.code} has no version {number}",
        )
    return version


@lru_cache(maxsize=256)
def _parsed(digest: str, frozen: str) -> WorkflowDef:
    return defs.parse(json.loads(frozen))


#: parsed definitions by digest (the SHA-256 of the definition): a stored version never changes
_BY_DIGEST: dict[str, WorkflowDef] = {}


def parsed(version: WorkflowVersion) -> WorkflowDef:
    """The :class:`WorkflowDef` of a stored version (parsed once per definition).

    Looked up by the version's digest without serialising the definition again; a version
    without a digest falls back to its serialised definition as the key.
    """
    if not version.digest:
        return _parsed("", json.dumps(version.definition, sort_keys=True))
    found = _BY_DIGEST.get(version.digest)
    if found is None:
        found = defs.parse(version.definition)
        if len(_BY_DIGEST) >= 256:
            _BY_DIGEST.clear()
        _BY_DIGEST[version.digest] = found
    return found


def parsed_versions(digests: dict[int, str]) -> dict[int, WorkflowDef]:
    """The :class:`WorkflowDef` of each version id in ``digests`` (version id -> its digest, as a
    list query selects them beside its rows): the definitions already parsed in this process come
    from the cache without reading or decoding their JSON; the others are read in one statement."""
    found = {vid: _BY_DIGEST[digest] for vid, digest in digests.items() if digest and digest in _BY_DIGEST}
    missing = sorted(set(digests) - set(found))
    if missing:
        for version in db.session.scalars(db.select(WorkflowVersion).where(WorkflowVersion.id.in_(missing))):
            found[version.id] = parsed(version)
    return found


def step_name(wf_def: WorkflowDef | None, index: int, key: str, lang: str) -> str:
    """The name of step ``index`` of a definition in ``lang`` (its key when the definition has no such step)."""
    steps = wf_def.steps if wf_def is not None else ()
    if not 0 <= index < len(steps):
        return key
    step = steps[index]
    return (step.name_id if lang == "id" else step.name_en) or step.name_id or key


def save_definition(
    data: dict,
    *,
    user=None,
    origin: str = "admin",
    source: str = "custom",
    note: str = "",
    organisation_id: int | None = None,
    expected_code: str | None = None,
) -> tuple[Workflow, WorkflowVersion, bool]:
    """Store ``data`` as the newest version of its workflow (created if new).

    Returns ``(workflow, version, created)``; ``created`` is False when the definition
    equals the newest version already stored. Raises :class:`DefinitionError` for an
    invalid definition and :class:`InvalidRequest` when ``expected_code`` differs.
    """
    wf_def = defs.parse(data)
    if expected_code is not None and wf_def.code != expected_code:
        raise InvalidRequest(
            f"Kode di dokumen ({wf_def.code}) berbeda dengan alur kerja {expected_code}",
            f"The document's code ({wf_def.code}) differs from workflow {expected_code}",
        )
    definition = document.canonical(wf_def)
    digest = document.digest(definition)
    workflow = get_workflow(wf_def.code)
    if workflow is None:
        workflow = Workflow(code=wf_def.code, source=source, latest_version=0, organisation_id=organisation_id)
        db.session.add(workflow)
    else:
        newest = get_version(workflow)
        if newest.digest == digest:
            return workflow, newest, False
    workflow.name_id, workflow.name_en = wf_def.name_id, wf_def.name_en
    workflow.latest_version += 1
    version = WorkflowVersion(
        workflow=workflow,
        number=workflow.latest_version,
        definition=definition,
        digest=digest,
        origin=origin,
        note=note[:500],
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    return workflow, version, True


def add_default_assignment(workflow: Workflow, wf_def: WorkflowDef) -> WorkflowAssignment | None:
    """The assignment a template asks for in ``applies_to`` (none when it is empty)."""
    applies = wf_def.applies_to
    if not any(applies.values()):
        return None
    row = WorkflowAssignment(
        workflow=workflow,
        organisation_kinds=list(applies.get("organisation_kinds", [])),
        kinds=list(applies.get("kinds", [])),
        channels=list(applies.get("channels", [])),
    )
    db.session.add(row)
    return row


def export_yaml(workflow: Workflow, number: int | None = None) -> str:
    return document.to_yaml(get_version(workflow, number).definition)


def list_workflows(include_inactive: bool = True) -> list[Workflow]:
    stmt = db.select(Workflow).order_by(Workflow.code)
    if not include_inactive:
        stmt = stmt.where(Workflow.is_active.is_(True))
    return list(db.session.execute(stmt).scalars())


def summary(workflow: Workflow, lang: str = "id") -> dict:
    """A workflow with its newest version's steps, for the API and pages."""
    version = get_version(workflow)
    wf_def = parsed(version)
    return {
        "code": workflow.code,
        "name": {"id": workflow.name_id, "en": workflow.name_en},
        "source": workflow.source,
        "is_active": workflow.is_active,
        "organisation_id": workflow.organisation_id,
        "latest_version": workflow.latest_version,
        "sop": wf_def.sop,
        "steps": [
            {
                "key": s.key,
                "kind": s.kind,
                "role": s.role,
                "name": {"id": s.name_id, "en": s.name_en},
                "limit": str(s.limit) if s.limit else None,
            }
            for s in wf_def.steps
        ],
    }
