"""The handoff rules: who may take, answer, release and close a conversation, and what the user
is told. Pure decisions over a stored conversation; the store applies them atomically.

    bot ──request / urgent──▶ waiting ──claim──▶ claimed ──close──▶ closed ──next message──▶ bot
                     ◀──cancel──┘   ▲                │
                                    └────release─────┘
An advisor may also claim a conversation that is in `bot` or `closed` mode (to follow up); nobody
may act on a conversation another advisor holds.
"""

from __future__ import annotations

from .conversation import ConversationState, Mode
from .core import Core
from .store.base import AuditNote, Conversation, NewMessage, Transition

MAX_ADVISOR_TEXT = 5000


class HandoffError(Exception):
    """A refused advisor action; `status` is the HTTP status the API answers with."""

    status = 409


class Conflict(HandoffError):
    """The conversation is not in a state that allows the action (or another advisor holds it for a claim)."""

    status = 409


class Forbidden(HandoffError):
    """Another advisor holds the conversation."""

    status = 403


class Invalid(HandoffError):
    status = 400


def _notice(core: Core, conversation: Conversation, key: str) -> NewMessage:
    lang = conversation.state.lang or "en"
    return NewMessage("out", "system", core.catalogs.text(lang, key), lang=lang, intent=key)


def _held_by_other(conversation: Conversation, advisor_id: int) -> bool:
    return conversation.state.mode is Mode.CLAIMED and conversation.claimed_by != advisor_id


def claim(core: Core, advisor_id: int):
    def decide(conversation: Conversation) -> Transition:
        if conversation.state.mode is Mode.CLAIMED:
            if conversation.claimed_by == advisor_id:
                return Transition(conversation.state, advisor_id)          # a double click: no change
            raise Conflict("another advisor holds this conversation")
        state = conversation.state.update(mode=Mode.CLAIMED, fallbacks_in_row=0)
        return Transition(state, advisor_id, (_notice(core, conversation, "handoff.advisor_joined"),),
                          AuditNote(advisor_id, "claim", conversation.state.mode.value))
    return decide


def release(core: Core, advisor_id: int):
    """Back to the queue, for another advisor; the bot answers questions meanwhile."""
    def decide(conversation: Conversation) -> Transition:
        _require_holder(conversation, advisor_id)
        state = conversation.state.update(mode=Mode.WAITING)
        return Transition(state, None, (_notice(core, conversation, "handoff.released"),),
                          AuditNote(advisor_id, "release"))
    return decide


def close(core: Core, advisor_id: int):
    def decide(conversation: Conversation) -> Transition:
        if _held_by_other(conversation, advisor_id):
            raise Forbidden("another advisor holds this conversation")
        if conversation.state.mode not in (Mode.WAITING, Mode.CLAIMED):
            raise Conflict(f"nothing to close: the conversation is in {conversation.state.mode.value} mode")
        state = conversation.state.update(mode=Mode.CLOSED, urgent=False, fallbacks_in_row=0)
        return Transition(state, None, (_notice(core, conversation, "handoff.closed"),),
                          AuditNote(advisor_id, "close", conversation.state.mode.value))
    return decide


def advisor_message(advisor_id: int, text: str):
    text = text.strip()
    if not text:
        raise Invalid("the message is empty")
    if len(text) > MAX_ADVISOR_TEXT:
        raise Invalid(f"the message is longer than {MAX_ADVISOR_TEXT} characters")

    def decide(conversation: Conversation) -> Transition:
        _require_holder(conversation, advisor_id)
        message = NewMessage("out", "advisor", text, lang=conversation.state.lang, advisor_id=advisor_id)
        return Transition(conversation.state, advisor_id, (message,), AuditNote(advisor_id, "message"))
    return decide


def _require_holder(conversation: Conversation, advisor_id: int) -> None:
    if _held_by_other(conversation, advisor_id):
        raise Forbidden("another advisor holds this conversation")
    if conversation.state.mode is not Mode.CLAIMED:
        raise Conflict("claim the conversation first")


def user_audit(before: ConversationState, after: ConversationState) -> AuditNote | None:
    """What a user's own message changed in the handoff, for the organization's records."""
    if after.mode is Mode.WAITING and before.mode is not Mode.WAITING:
        return AuditNote(None, "handoff.urgent" if after.urgent else "handoff.request")
    if after.urgent and not before.urgent:
        return AuditNote(None, "handoff.urgent")
    if before.mode is Mode.WAITING and after.mode is Mode.BOT:
        return AuditNote(None, "handoff.cancel")
    return None
