"""The workflow definition format (``docs/workflows.md``): parse, check, normalise.

A definition is a dict (read from YAML, given by a plugin, posted to the API). :func:`parse`
checks it and returns a :class:`WorkflowDef`; every problem is reported at once, with its
path in the document, by :class:`~hub.workflow.errors.DefinitionError`.
:func:`canonical` gives the normalised dict that is stored and exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hub.roles import ROLES
from hub.workflow.duration import Duration, parse_duration
from hub.workflow.errors import DefinitionError

FORMAT = 1
KINDS = ("prepare", "review", "task", "approval", "publish")
DECISIONS = ("approve", "return", "reject")
RETURN_TARGETS = ("creator", "previous")
#: role value for steps done by the admins of the item's target channels (Channel.admin_role)
CHANNEL_ADMIN = "channel_admin"
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
#: a date name a due time may be anchored to (``publish_at``, ``meeting_end``…)
_DATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
#: how the offset from the anchor date is counted
DUE_CALENDARS = ("wall", "working")
_DUE_KEYS = {"anchor", "after", "before", "calendar"}
#: how people read the core's date names; a plugin's come from its ``register_item_dates`` (else
#: the name is shown with spaces for underscores)
DATE_LABELS = {
    "publish_at": ("waktu terbit", "the publish time"),
    "window_start": ("awal masa tayang", "the display window's start"),
    "window_end": ("akhir masa tayang", "the display window's end"),
    "event_date": ("tanggal acara", "the event date"),
}


def date_label(name: str, lang: str = "id") -> str:
    """``publish_at`` -> "waktu terbit" / "the publish time"; a date a plugin declares
    (``register_item_dates``) by its label; an undeclared name as words (``meeting_end`` -> "meeting end")."""
    labels = DATE_LABELS.get(name)
    if labels is None:
        from flask import current_app, has_app_context

        declared = None
        if has_app_context():
            from hub.plugins import EXT_KEY

            registry = current_app.extensions.get(EXT_KEY)
            declared = registry.item_dates.get(name) if registry is not None else None
        return declared.label(lang) if declared is not None else name.replace("_", " ")
    return labels[0] if lang == "id" else labels[1]


@dataclass(frozen=True)
class DueRule:
    """A step's due time tied to a date of the item: ``offset`` ``before``/after the date ``anchor``.

    ``calendar`` "wall" counts the offset in clock time, "working" on the office's working
    calendar (like ``limit``). See ``docs/workflows.md``.
    """

    anchor: str
    offset: Duration
    before: bool = False
    calendar: str = "wall"

    def as_dict(self) -> dict:
        side = "before" if self.before else "after"
        return {"anchor": self.anchor, side: str(self.offset), "calendar": self.calendar}

    def label(self, lang: str = "id") -> str:
        """``"15 menit setelah waktu terbit"`` / ``"15 min after the publish time"``."""
        date = date_label(self.anchor, lang)
        if not (self.offset.days or self.offset.minutes):
            return f"paling lambat {date}" if lang == "id" else f"by {date}"
        if self.offset.days and self.calendar == "wall":  # clock days, not working days
            days = self.offset.days
            amount = f"{days} hari" if lang == "id" else f"{days} day{'s' * (days > 1)}"
        else:
            amount = self.offset.label(lang)
        if lang == "id":
            return f"{amount} {'sebelum' if self.before else 'setelah'} {date}"
        return f"{amount} {'before' if self.before else 'after'} {date}"


@dataclass(frozen=True)
class StepDef:
    key: str
    kind: str
    role: str
    name_id: str
    name_en: str
    limit: Duration | None = None
    #: item.extra field whose value picks the limit from ``limit_values`` (a field a plugin declares)
    limit_field: str = ""
    limit_values: dict[str, Duration] = field(default_factory=dict)
    inputs_id: str = ""
    inputs_en: str = ""
    output_id: str = ""
    output_en: str = ""
    decisions: tuple[str, ...] = ("approve",)
    return_to: tuple[str, ...] = ()
    checklist: bool = False
    #: done by the item's creator (a task of the requester's own, e.g. receiving documents)
    by_creator: bool = False
    #: the due time tied to a date of the item (None: ``limit`` after the step opens)
    due: DueRule | None = None
    #: the role told when the step is overdue by its own time limit again ("": the next approver)
    supervisor: str = ""

    def name(self, lang: str = "id") -> str:
        return self.name_id if lang == "id" else self.name_en

    def limit_for(self, extra: dict | None) -> Duration | None:
        value = (extra or {}).get(self.limit_field) if self.limit_field else None
        return self.limit_values.get(str(value), self.limit) if value is not None else self.limit


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text_id: str
    text_en: str

    def text(self, lang: str = "id") -> str:
        return self.text_id if lang == "id" else self.text_en


@dataclass(frozen=True)
class WorkflowDef:
    code: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    sop: str
    applies_to: dict
    checklist: tuple[ChecklistItem, ...]
    steps: tuple[StepDef, ...]

    def name(self, lang: str = "id") -> str:
        return self.name_id if lang == "id" else self.name_en

    def supervisor_of(self, index: int) -> str:
        """The role an overdue step ``index`` escalates to: its ``supervisor``, else the role of the
        next review/approval step after it, else (a step after the final approval) the role of the
        nearest one before it; "" when there is none (the final approval with nobody above it)."""
        step = self.steps[index]
        if step.supervisor:
            return step.supervisor
        deciders = [i for i, s in enumerate(self.steps) if s.kind in ("review", "approval") and s.role in ROLES]
        after = [i for i in deciders if i > index]
        if after:
            return self.steps[after[0]].role
        if index > self.approval_index:
            before = [i for i in deciders if i < index]
            return self.steps[before[-1]].role if before else ""
        return ""

    @property
    def approval_index(self) -> int:
        return next(i for i, s in enumerate(self.steps) if s.kind == "approval")

    @property
    def first_decision_index(self) -> int:
        return next(i for i, s in enumerate(self.steps) if s.kind != "prepare")

    @property
    def last_prepare_index(self) -> int | None:
        indexes = [i for i, s in enumerate(self.steps) if s.kind == "prepare"]
        return indexes[-1] if indexes else None


def _text(value: object, path: str, problems: list[str], required: bool = False) -> tuple[str, str]:
    """A bilingual text: ``{"id": …, "en": …}`` or one string for both."""
    if value is None or value == "":
        if required:
            problems.append(f"{path}: wajib diisi / required")
        return "", ""
    if isinstance(value, str):
        return value, value
    if isinstance(value, dict) and all(isinstance(value.get(k, ""), str) for k in ("id", "en")):
        text_id, text_en = value.get("id", ""), value.get("en", "")
        if required and not (text_id or text_en):
            problems.append(f"{path}: wajib diisi / required")
        return text_id or text_en, text_en or text_id
    problems.append(f"{path}: harus teks atau {{id, en}} / must be a text or {{id, en}}")
    return "", ""


def _list(value: object, path: str, problems: list[str]) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    problems.append(f"{path}: harus berupa daftar / must be a list")
    return []


def _duration(value: object, path: str, problems: list[str]) -> Duration | None:
    if value in (None, ""):
        return None
    try:
        return parse_duration(value)
    except ValueError:
        problems.append(f"{path}: {value!r} bukan durasi (mis. 10m, 1h, 1d) / not a duration (e.g. 10m, 1h, 1d)")
        return None


def _due(raw: object, path: str, problems: list[str]) -> DueRule | None:
    """``due: {anchor: publish_at, after: 15m, calendar: wall}`` (exactly one of after/before)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{path}: harus berupa objek (anchor, after/before, calendar) / must be a mapping")
        return None
    for key in sorted(set(map(str, raw)) - _DUE_KEYS):
        problems.append(f"{path}.{key}: kunci tidak dikenal / unknown key (anchor, after, before, calendar)")
    anchor = str(raw.get("anchor") or "")
    if not _DATE_NAME.match(anchor):
        problems.append(
            f"{path}.anchor: {anchor!r} bukan nama tanggal (mis. publish_at) / is not a date name (e.g. publish_at)"
        )
    sides = [k for k in ("after", "before") if raw.get(k) not in (None, "")]
    if len(sides) != 1:
        problems.append(f"{path}: isi tepat satu dari after atau before / give exactly one of after or before")
        return None
    offset = _duration(raw[sides[0]], f"{path}.{sides[0]}", problems)
    calendar = str(raw.get("calendar") or "wall")
    if calendar not in DUE_CALENDARS:
        problems.append(f"{path}.calendar: {calendar!r} bukan wall atau working / is not wall or working")
    if offset is None or not _DATE_NAME.match(anchor) or calendar not in DUE_CALENDARS:
        return None
    return DueRule(anchor=anchor, offset=offset, before=sides[0] == "before", calendar=calendar)


def _step(raw: object, index: int, problems: list[str]) -> StepDef | None:
    path = f"steps[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{path}: harus berupa objek / must be a mapping")
        return None
    key = str(raw.get("key", ""))
    if not _CODE.match(key):
        problems.append(f"{path}.key: {key!r} harus huruf kecil/angka/_ / must be lower-case letters, digits, _")
    kind = raw.get("kind", "review")
    if kind not in KINDS:
        problems.append(f"{path}.kind: {kind!r} bukan salah satu dari / is not one of {', '.join(KINDS)}")
    role = str(raw.get("role", ""))
    if role not in ROLES and role != CHANNEL_ADMIN:
        problems.append(f"{path}.role: peran tidak dikenal / unknown role {role!r}")
    name_id, name_en = _text(raw.get("name"), f"{path}.name", problems, required=True)
    inputs_id, inputs_en = _text(raw.get("inputs"), f"{path}.inputs", problems)
    output_id, output_en = _text(raw.get("output"), f"{path}.output", problems)
    limit = _duration(raw.get("limit"), f"{path}.limit", problems)
    limit_field, limit_values = "", {}
    limit_by = raw.get("limit_by")
    if limit_by is not None:
        if not isinstance(limit_by, dict) or not isinstance(limit_by.get("values"), dict):
            problems.append(f"{path}.limit_by: perlu field dan values / needs field and values")
        else:
            limit_field = str(limit_by.get("field", ""))
            limit_values = {
                str(k): d
                for k, v in limit_by["values"].items()
                if (d := _duration(v, f"{path}.limit_by.values.{k}", problems)) is not None
            }
    due = _due(raw.get("due"), f"{path}.due", problems)
    supervisor = str(raw.get("supervisor") or "")
    if supervisor and supervisor not in ROLES:
        problems.append(f"{path}.supervisor: peran tidak dikenal / unknown role {supervisor!r}")
    default_decisions = ["approve"] if kind in ("prepare", "publish") else list(DECISIONS)
    decisions = [str(d) for d in _list(raw.get("decisions", default_decisions), f"{path}.decisions", problems)]
    for d in decisions:
        if d not in DECISIONS:
            problems.append(f"{path}.decisions: {d!r} bukan salah satu dari / is not one of {', '.join(DECISIONS)}")
    if "approve" not in decisions:
        problems.append(f"{path}.decisions: harus memuat approve / must include approve")
    default_targets = ["creator"] if "return" in decisions else []
    return_to = [str(t) for t in _list(raw.get("return_to", default_targets), f"{path}.return_to", problems)]
    for t in return_to:
        if t not in RETURN_TARGETS:
            problems.append(f"{path}.return_to: {t!r} bukan / is not creator or previous")
    if "return" in decisions and not return_to:
        problems.append(f"{path}.return_to: perlu tujuan pengembalian / needs where a return goes")
    return StepDef(
        key=key,
        kind=str(kind),
        role=role,
        name_id=name_id,
        name_en=name_en,
        limit=limit,
        limit_field=limit_field,
        limit_values=limit_values,
        inputs_id=inputs_id,
        inputs_en=inputs_en,
        output_id=output_id,
        output_en=output_en,
        decisions=tuple(decisions),
        return_to=tuple(return_to),
        checklist=bool(raw.get("checklist", False)),
        by_creator=bool(raw.get("by_creator", False)),
        due=due,
        supervisor=supervisor,
    )


def _check_order(steps: list[StepDef], has_checklist: bool, problems: list[str]) -> None:
    kinds = [s.kind for s in steps]
    keys = [s.key for s in steps]
    for key in {k for k in keys if keys.count(k) > 1}:
        problems.append(f"steps: kunci {key!r} dipakai dua kali / key {key!r} is used twice")
    first_other = next((i for i, k in enumerate(kinds) if k != "prepare"), len(kinds))
    if "prepare" in kinds[first_other:]:
        problems.append("steps: langkah prepare hanya di awal / prepare steps come first")
    if kinds.count("approval") != 1:
        problems.append("steps: perlu tepat satu langkah approval / needs exactly one approval step")
        return
    approval = kinds.index("approval")
    for i, step in enumerate(steps):
        if i > approval and (step.kind not in ("task", "publish") or step.decisions != ("approve",)):
            problems.append(
                f"steps[{i}]: setelah persetujuan akhir hanya task/publish tanpa kembali/tolak / "
                "after the final approval only task or publish steps, without return or reject"
            )
        if i < approval and step.kind == "publish":
            problems.append(f"steps[{i}]: publish harus setelah approval / publish comes after the approval")
        if step.checklist and not has_checklist:
            problems.append(f"steps[{i}].checklist: definisi tidak punya checklist / the definition has no checklist")
        if step.by_creator and step.kind != "task":
            problems.append(f"steps[{i}].by_creator: hanya untuk task / only for task steps")


def parse(data: object) -> WorkflowDef:
    """Check a definition dict; raise :class:`DefinitionError` listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["definisi harus berupa objek / the definition must be a mapping"])
    if data.get("format", FORMAT) != FORMAT:
        problems.append(f"format: hanya {FORMAT} yang dikenal / only format {FORMAT} is known")
    code = str(data.get("code", ""))
    if not _CODE.match(code):
        problems.append(f"code: {code!r} harus huruf kecil/angka/_ / must be lower-case letters, digits, _")
    name_id, name_en = _text(data.get("name"), "name", problems, required=True)
    description_id, description_en = _text(data.get("description"), "description", problems)
    applies = data.get("applies_to") or {}
    if not isinstance(applies, dict):
        problems.append("applies_to: harus berupa objek / must be a mapping")
        applies = {}
    applies_to = {k: [str(v) for v in _list(applies.get(k), f"applies_to.{k}", problems)] for k in _APPLIES}
    checklist = []
    for i, raw in enumerate(_list(data.get("checklist"), "checklist", problems)):
        if not isinstance(raw, dict) or not _CODE.match(str(raw.get("code", ""))):
            problems.append(f"checklist[{i}]: perlu code, id, en / needs code, id, en")
            continue
        text_id, text_en = _text({"id": raw.get("id", ""), "en": raw.get("en", "")}, f"checklist[{i}]", problems, True)
        checklist.append(ChecklistItem(str(raw["code"]), text_id, text_en))
    raw_steps = _list(data.get("steps"), "steps", problems)
    if not raw_steps:
        problems.append("steps: perlu minimal satu langkah / needs at least one step")
    steps = [s for i, raw in enumerate(raw_steps) if (s := _step(raw, i, problems)) is not None]
    if steps and len(steps) == len(raw_steps):
        _check_order(steps, bool(checklist), problems)
    if problems:
        raise DefinitionError(problems)
    return WorkflowDef(
        code=code,
        name_id=name_id,
        name_en=name_en,
        description_id=description_id,
        description_en=description_en,
        sop=str(data.get("sop", "")),
        applies_to=applies_to,
        checklist=tuple(checklist),
        steps=tuple(steps),
    )


_APPLIES = ("organisation_kinds", "kinds", "channels")
