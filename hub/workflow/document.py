"""A workflow definition as a document: the normalised dict that is stored, hashed, exported as YAML."""

from __future__ import annotations

import hashlib
import json

import yaml

from hub.workflow.definition import FORMAT, WorkflowDef
from hub.workflow.errors import DefinitionError


def _bi(text_id: str, text_en: str) -> dict:
    return {"id": text_id, "en": text_en}


def canonical(wf: WorkflowDef) -> dict:
    """The normalised dict of a parsed definition (what is stored, exported and hashed)."""
    steps = []
    for s in wf.steps:
        step: dict = {"key": s.key, "kind": s.kind, "role": s.role, "name": _bi(s.name_id, s.name_en)}
        step["limit"] = str(s.limit) if s.limit else None
        if s.limit_field:
            step["limit_by"] = {"field": s.limit_field, "values": {k: str(v) for k, v in s.limit_values.items()}}
        if s.inputs_id or s.inputs_en:
            step["inputs"] = _bi(s.inputs_id, s.inputs_en)
        if s.output_id or s.output_en:
            step["output"] = _bi(s.output_id, s.output_en)
        step["decisions"] = list(s.decisions)
        if s.return_to:
            step["return_to"] = list(s.return_to)
        if s.checklist:
            step["checklist"] = True
        if s.by_creator:
            step["by_creator"] = True
        if s.due is not None:
            step["due"] = s.due.as_dict()
        if s.supervisor:
            step["supervisor"] = s.supervisor
        steps.append(step)
    return {
        "format": FORMAT,
        "code": wf.code,
        "name": _bi(wf.name_id, wf.name_en),
        "description": _bi(wf.description_id, wf.description_en),
        "sop": wf.sop,
        "applies_to": {k: v for k, v in wf.applies_to.items() if v},
        "checklist": [{"code": c.code, "id": c.text_id, "en": c.text_en} for c in wf.checklist],
        "steps": steps,
    }


def digest(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def from_yaml(text: str) -> dict:
    """Read a YAML document (safely); raise :class:`DefinitionError` when it is not YAML."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError([f"YAML tidak valid / invalid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise DefinitionError(["dokumen YAML harus berupa objek / the YAML document must be a mapping"])
    return data


def to_yaml(definition: dict) -> str:
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100)
