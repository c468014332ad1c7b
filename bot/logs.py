"""Structured logging: `event key=value ...` lines, one per event.

Fields come from `extra=`; message text is personal data and is only ever logged at DEBUG,
which production mode never enables.
"""

from __future__ import annotations

import logging

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if not fields:
            return base
        return base + " " + " ".join(f"{k}={v!r}" if isinstance(v, str) and " " in v else f"{k}={v}" for k, v in sorted(fields.items()))


def setup_logging(level: str, production: bool) -> None:
    if production and level == "DEBUG":
        level = "INFO"          # DEBUG may carry message text; never in production
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
