"""Answer and request schemas of the workflow area's API (``/api/v1/inbox``, decisions, workflows,
delegations), and the workflow summary an item carries (``item.workflow``)."""

from __future__ import annotations

from hub.api.schemas import Date, DateTime, IdEn, Page, PageArgs, fields, ma, validate
from hub.inputs import MAX_ID

ID_RANGE = validate.Range(min=1, max=MAX_ID)


class ActorRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ActingForRef(ActorRef):
    kind = fields.String(required=True, metadata={"description": "plh or plt"})


class StepDueRule(ma.Schema):
    """A due time tied to a date of the item: ``after`` (or ``before``) the date ``anchor``."""

    anchor = fields.String(required=True, metadata={"description": "the item's date, e.g. publish_at"})
    after = fields.String(metadata={"description": "the offset after the date (e.g. 15m, 2d)"})
    before = fields.String(metadata={"description": "the offset before the date"})
    calendar = fields.String(required=True, validate=validate.OneOf(["wall", "working"]))
    label = fields.Nested(IdEn, required=True)


class StepChecklistEntry(ma.Schema):
    code = fields.String(required=True)
    id = fields.String(required=True)
    en = fields.String(required=True)


class CurrentStepSchema(ma.Schema):
    """The step an item waits at."""

    step_id = fields.Integer(required=True)
    key = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.Nested(IdEn, required=True)
    role = fields.String(required=True)
    role_name = fields.Nested(IdEn, required=True)
    started_at = DateTime(required=True, allow_none=True)
    due_at = DateTime(required=True, allow_none=True, metadata={"description": "when the step is due"})
    due_rule = fields.Nested(
        StepDueRule,
        required=True,
        allow_none=True,
        metadata={"description": "the due time's anchor rule (tied to a date of the item), null for a plain limit"},
    )
    escalated_at = DateTime(
        required=True, allow_none=True, metadata={"description": "when the late step went to the next level"}
    )
    overdue = fields.Boolean(required=True)
    decisions = fields.List(fields.String(), required=True)
    return_to = fields.List(fields.String(), required=True)
    checklist = fields.List(fields.Nested(StepChecklistEntry), required=True)


class WorkflowSummarySchema(ma.Schema):
    """An item's workflow, version and current step (null before it is submitted)."""

    code = fields.String(required=True)
    name = fields.Nested(IdEn, required=True)
    version = fields.Integer(required=True)
    revision = fields.Integer(required=True)
    submitted_at = DateTime(required=True, allow_none=True)
    approved_at = DateTime(required=True, allow_none=True)
    completed_at = DateTime(required=True, allow_none=True)
    current_step = fields.Nested(CurrentStepSchema, required=True, allow_none=True)


# --- decisions ---------------------------------------------------------------------------------

DECISIONS = ["approve", "return", "reject"]
RETURN_TO = ["creator", "previous"]


class DecisionArgs(ma.Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    step_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=ID_RANGE,
        metadata={"description": "the step you looked at (recommended)"},
    )
    comment = fields.String(allow_none=True, metadata={"description": "required to return or reject"})
    return_to = fields.String(allow_none=True, validate=validate.OneOf(RETURN_TO))
    checklist = fields.List(fields.String(), allow_none=True, metadata={"description": "confirmed checklist codes"})
    publish_at = fields.String(
        allow_none=True,
        metadata={"format": "date-time", "description": "final approval only; without a zone: the office's"},
    )


class DecisionSchema(ma.Schema):
    id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    step_id = fields.Integer(required=True)
    step = fields.String(required=True)
    decision = fields.String(required=True)
    return_to = fields.String(required=True, allow_none=True)
    comment = fields.String(required=True, allow_none=True)
    checklist = fields.List(fields.String(), required=True, allow_none=True)
    actor = fields.Nested(ActorRef, required=True, allow_none=True)
    acting_for = fields.Nested(ActingForRef, required=True, allow_none=True)
    due_at = DateTime(required=True, allow_none=True)
    decided_at = DateTime(required=True)
    late = fields.Boolean(required=True, allow_none=True)


class DecisionList(ma.Schema):
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)


# --- inbox ---------------------------------------------------------------------------------------


class InboxArgs(PageArgs):
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "the inbox reads every entry before the page: at most 100000"},
    )


class InboxActingForRef(ActingForRef):
    delegation_id = fields.Integer(required=True)


class InboxEntrySchema(ma.Schema):
    item_id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    step_id = fields.Integer(required=True, allow_none=True, metadata={"description": "null: your draft"})
    step = fields.String(required=True, allow_none=True)
    name = fields.Nested(IdEn, required=True)
    role = fields.String(required=True)
    started_at = DateTime(required=True, allow_none=True)
    due_at = DateTime(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    acting_for = fields.Nested(
        InboxActingForRef, required=True, allow_none=True, metadata={"description": "whom you act for (Plh./Plt.)"}
    )
    url = fields.String(required=True)


class InboxPageSchema(Page):
    entries = fields.List(fields.Nested(InboxEntrySchema), required=True)


# --- workflows -----------------------------------------------------------------------------------


class WorkflowStep(ma.Schema):
    key = fields.String(required=True)
    kind = fields.String(required=True)
    role = fields.String(required=True, allow_none=True)
    name = fields.Nested(IdEn, required=True)
    limit = fields.String(required=True, allow_none=True)


class WorkflowSchema(ma.Schema):
    code = fields.String(required=True)
    name = fields.Nested(IdEn, required=True)
    source = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    organisation_id = fields.Integer(required=True, allow_none=True)
    latest_version = fields.Integer(required=True)
    sop = fields.String(required=True, allow_none=True)
    steps = fields.List(fields.Nested(WorkflowStep), required=True)


class WorkflowList(ma.Schema):
    workflows = fields.List(fields.Nested(WorkflowSchema), required=True)


class WorkflowVersionEntry(ma.Schema):
    number = fields.Integer(required=True)
    origin = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    created_at = DateTime(required=True)


class AssignmentArgs(ma.Schema):
    organisation_id = fields.Integer(allow_none=True, validate=ID_RANGE, metadata={"description": "null: every office"})
    organisation_kinds = fields.List(fields.String(), allow_none=True)
    kinds = fields.List(fields.String(), allow_none=True)
    channels = fields.List(fields.String(), allow_none=True)
    priority = fields.Integer(allow_none=True)


class AssignmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True, allow_none=True)
    organisation_kinds = fields.List(fields.String(), required=True, allow_none=True)
    kinds = fields.List(fields.String(), required=True, allow_none=True)
    channels = fields.List(fields.String(), required=True, allow_none=True)
    priority = fields.Integer(required=True, allow_none=True)


class WorkflowDetail(WorkflowSchema):
    definition = fields.Dict(required=True, metadata={"description": "the newest definition (docs/workflows.md)"})
    versions = fields.List(fields.Nested(WorkflowVersionEntry), required=True)
    assignments = fields.List(fields.Nested(AssignmentSchema), required=True)


class WorkflowSaved(WorkflowSchema):
    version_created = fields.Boolean(
        required=True, metadata={"description": "false: the definition was the same as the newest version's"}
    )


class WorkflowBody(ma.Schema):
    """A definition as JSON: ``{"definition": {…}, "note": "…"}`` (or the definition itself)."""

    class Meta:
        unknown = ma.INCLUDE  # the definition itself may be sent as the body

    definition = fields.Dict(metadata={"description": "the workflow definition (docs/workflows.md)"})
    note = fields.String(metadata={"description": "why this version (kept with it)"})


class NoteArgs(ma.Schema):
    note = fields.String(load_default="", metadata={"description": "with a YAML body: why this version"})


class VersionArgs(ma.Schema):
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "an older version"})


# --- bulk decisions -----------------------------------------------------------------------------


def _an_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


class BulkItemRef(fields.Field):
    """An item id, or ``{"item_id", "step_id"}`` with the step you looked at."""

    def _deserialize(self, value, attr, data, **kwargs):
        if _an_id(value):
            return value
        if isinstance(value, dict) and _an_id(value.get("item_id")):
            step_id = value.get("step_id")
            if step_id is None or _an_id(step_id):
                return value
        raise self.make_error("invalid")

    default_error_messages = {"invalid": "An item id, or an object with item_id and step_id (integers)."}


class BulkArgs(ma.Schema):
    items = fields.List(
        BulkItemRef(
            metadata={
                "oneOf": [
                    {"type": "integer"},
                    {
                        "type": "object",
                        "properties": {"item_id": {"type": "integer"}, "step_id": {"type": "integer"}},
                        "required": ["item_id"],
                    },
                ]
            }
        ),
        required=True,
        metadata={"description": "item ids, or {item_id, step_id} with the step you looked at (recommended)"},
    )
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "return"]))
    comment = fields.String(allow_none=True, metadata={"description": "required to return; one for every item"})
    return_to = fields.String(allow_none=True, validate=validate.OneOf(RETURN_TO))
    checklist = fields.List(fields.String(), allow_none=True, metadata={"description": "confirmed for every item"})


class BulkResult(ma.Schema):
    item_id = fields.Integer(required=True)
    title = fields.String(required=True, allow_none=True)
    ok = fields.Boolean(required=True)
    status = fields.Integer(required=True, metadata={"description": "201, or the status of the refusal"})
    decision = fields.Nested(DecisionSchema, required=True, allow_none=True)
    error = fields.Dict(
        required=True,
        allow_none=True,
        metadata={"description": "the refusal: code, detail (in lang), lang and the rule's extensions"},
    )


class BulkAnswer(ma.Schema):
    results = fields.List(fields.Nested(BulkResult), required=True)
    decided = fields.Integer(required=True)
    refused = fields.Integer(required=True)


# --- delegations -------------------------------------------------------------------------------


class DelegationArgs(ma.Schema):
    delegator_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=ID_RANGE,
        metadata={"description": "the official (default: you); others need user.manage"},
    )
    delegate_id = fields.Integer(
        strict=True,
        required=True,
        validate=ID_RANGE,
        metadata={"description": "who acts (same office, decides approval steps)"},
    )
    roles = fields.List(fields.String(), required=True, metadata={"description": "the official's role codes"})
    kind = fields.String(load_default="plh", validate=validate.OneOf(["plh", "plt"]))
    starts_on = Date(required=True, metadata={"description": "first day, the office's time zone"})
    ends_on = Date(required=True, metadata={"description": "last day (inclusive)"})
    note = fields.String(allow_none=True)


class DelegationPerson(ActorRef):
    username = fields.String(required=True)


class DelegationSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    delegator = fields.Nested(DelegationPerson, required=True)
    delegate = fields.Nested(DelegationPerson, required=True)
    roles = fields.List(fields.String(), required=True)
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    starts_at = DateTime(required=True)
    ends_at = DateTime(required=True)
    revoked_at = DateTime(required=True, allow_none=True)
    active = fields.Boolean(required=True)
    note = fields.String(required=True, allow_none=True)


class DelegationPage(Page):
    current = fields.List(
        fields.Nested(DelegationSchema), required=True, metadata={"description": "who acts for whom now (not paged)"}
    )
    others = fields.List(
        fields.Nested(DelegationSchema),
        required=True,
        metadata={"description": "the page: delegations that start later or ended in the last 30 days"},
    )
