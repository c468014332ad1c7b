"""The terminal channel: try the bot without any tokens.

Choices are shown as numbered options; typing the number taps the button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from ..messages import Choice, IncomingMessage, OutgoingMessage

CHANNEL = "console"


@dataclass
class ConsoleChannel:
    out: TextIO
    user_id: str = "console-user"
    channel: str = CHANNEL
    _last_choices: tuple[Choice, ...] = field(default=(), init=False)

    def parse(self, line: str, lang_hint: str | None = None) -> IncomingMessage | None:
        """A typed line -> an incoming message; a number picks one of the last choices."""
        text = line.strip()
        if not text:
            return None
        payload = None
        if text.isdigit() and 1 <= int(text) <= len(self._last_choices):
            choice = self._last_choices[int(text) - 1]
            payload, text = choice.payload, choice.label
        return IncomingMessage(CHANNEL, self.user_id, self.user_id, text, payload=payload, lang_hint=lang_hint)

    def render(self, text: str, choices: tuple[Choice, ...]) -> str:
        self._last_choices = choices
        lines = [text]
        lines += [f"  [{n}] {c.label}" for n, c in enumerate(choices, 1)]
        return "\n".join(lines)

    async def send(self, message: OutgoingMessage) -> None:
        """Every reply, notice and advisor message arrives here through the outbox (the Sender protocol)."""
        self.out.write(self.render(message.text, message.choices) + "\n")
        self.out.flush()
