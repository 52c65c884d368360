"""Read-only questions about an item's place in its workflow, for plugins (exported by :mod:`hub.sdk`).

These hide the workflow's tables (``ItemWorkflow``, ``StepInstance``) and the parsed
definition, so a plugin asks "which step does the item wait on" or "may this person decide
it" without depending on how the engine stores its state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.models import Item, User
    from hub.workflow.definition import StepDef


def current_step(item: Item) -> StepDef | None:
    """The step the item waits on now (its open step), or None when it is not in a workflow or has no open step."""
    from hub.workflow import state as st

    state = st.state_of(item)
    if state is None or state.step_index is None:
        return None
    current = st.open_step(item.id)
    if current is None or current.step_index != state.step_index:
        return None
    return st.definition_of(state).steps[state.step_index]


def deciding_step(item: Item) -> StepDef | None:
    """The review or approval step the item waits on, up to and including the final approval, or None.

    None when the item waits on a preparation step, on a step its creator does, or is
    already past the approval (its publications are being made).
    """
    from hub.workflow import state as st

    step = current_step(item)
    if step is None:
        return None
    state = st.state_of(item)
    if state.step_index > st.definition_of(state).approval_index:
        return None
    return None if step.kind == "prepare" or step.by_creator else step


def is_approval_step(item: Item) -> bool:
    """True when the item waits on its workflow's final approval step (the approver's step)."""
    from hub.workflow import state as st

    if current_step(item) is None:
        return False
    state = st.state_of(item)
    return state.step_index == st.definition_of(state).approval_index


def may_decide(user: User | None, item: Item) -> bool:
    """True when ``user`` may decide the review or approval step the item waits on (see :func:`deciding_step`)."""
    from hub.workflow.access import can_act

    step = deciding_step(item)
    return step is not None and user is not None and can_act(user, item, step)
