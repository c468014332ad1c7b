"""The terminal channel: try the bot without any tokens.

Choices are shown as numbered options; typing the number taps the button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from ..messages import Choice, IncomingMessage, OutgoingMessage, Reply

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

    def render(self, reply: Reply) -> str:
        self._last_choices = reply.choices
        lines = [reply.text]
        lines += [f"  [{n}] {c.label}" for n, c in enumerate(reply.choices, 1)]
        return "\n".join(lines)

    def show(self, reply: Reply) -> None:
        if not reply.silent:
            self.out.write(self.render(reply) + "\n")
            self.out.flush()

    async def send(self, message: OutgoingMessage) -> None:
        """Delivery of an advisor's message (the Sender protocol)."""
        self._last_choices = message.choices
        self.out.write(message.text + "\n")
        self.out.flush()
