"""Errors of the workflow area. Each carries an HTTP status, a stable code and a message in
Bahasa Indonesia and English, so the pages and the API show the same words."""

from __future__ import annotations

from hub.exceptions import HubError


class WorkflowError(HubError):
    """Base of the workflow area's errors."""

    status = 400
    code = "workflow_error"

    def __init__(self, message_id: str, message_en: str, **details):
        self.message_id = message_id
        self.message_en = message_en
        self.details = details
        super().__init__(f"{message_id} / {message_en}")

    def message(self, lang: str = "id") -> str:
        return self.message_id if lang == "id" else self.message_en


class NotAllowed(WorkflowError):
    """The person may not do this (wrong role, own item, not the item's creator)."""

    status = 403
    code = "not_allowed"


class InvalidRequest(WorkflowError):
    """Something is missing or wrong in what was sent (a comment, a checklist, a field)."""

    status = 422
    code = "invalid"


class NotFound(WorkflowError):
    """The thing does not exist, or the person may not see it (an item of another office)."""

    status = 404
    code = "not_found"


class DecisionConflict(WorkflowError):
    """The step was decided (or the item moved) by someone else meanwhile: reload and look again."""

    status = 409
    code = "conflict"


class ChecksFailed(WorkflowError):
    """A channel's automated check found errors; ``problems`` lists them (field, rule, message)."""

    status = 422
    code = "checks_failed"

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(
            "Konten belum memenuhi syarat kanal; perbaiki hal berikut.",
            "The item does not meet the channels' requirements yet; fix the following.",
            problems=[p.as_dict() for p in problems],
        )


class DefinitionError(WorkflowError):
    """A workflow definition is not valid; ``problems`` lists each with its path."""

    status = 422
    code = "invalid_workflow"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "Definisi alur kerja tidak valid: " + "; ".join(problems),
            "The workflow definition is not valid: " + "; ".join(problems),
            problems=problems,
        )

    def __str__(self) -> str:
        return "Definisi alur kerja tidak valid / invalid workflow definition: " + "; ".join(self.problems)


class NoWorkflow(WorkflowError):
    """No workflow applies to the item (nothing assigned for its kind, channels and office)."""

    status = 422
    code = "no_workflow"
