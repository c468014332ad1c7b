"""What the dialogue needs to remember about one conversation between two messages."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Mode(StrEnum):
    BOT = "bot"            # the bot answers
    WAITING = "waiting"    # queued for an advisor; the bot still answers and says one is coming
    CLAIMED = "claimed"    # an advisor holds it; the bot stays silent
    CLOSED = "closed"      # the advisor closed it; the next message returns to BOT


@dataclass(frozen=True)
class ConversationState:
    lang: str | None = None          # the reply language so far (sticky)
    lang_chosen: bool = False        # the user picked it explicitly
    fallbacks_in_row: int = 0
    mode: Mode = Mode.BOT
    urgent: bool = False
    last_intent: str | None = None

    def update(self, **changes: object) -> "ConversationState":
        return replace(self, **changes)
