"""A platform's idea of the user's language (LINE profile, Telegram language_code) as one of ours.

Platforms send BCP-47-ish tags in any case ("pt-br", "zh-Hant", "en_US", "in" for Indonesian);
the core only understands its nine tags and zh-Hans. Unknown languages give no hint at all, so
the message text decides.
"""

from __future__ import annotations

from . import SUPPORTED

_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}
_SIMPLIFIED_REGIONS = {"cn", "sg", "my"}
_ALIASES = {"in": "id", "bur": "my", "mya": "my", "kor": "ko", "vie": "vi", "ind": "id", "tha": "th",
            "spa": "es", "por": "pt", "eng": "en"}


def platform_hint(tag: str | None) -> str | None:
    if not tag or not isinstance(tag, str):
        return None
    parts = tag.strip().lower().replace("_", "-").split("-")
    primary = _ALIASES.get(parts[0], parts[0])
    rest = set(parts[1:])
    if primary == "zh":
        if "hant" in rest or rest & _TRADITIONAL_REGIONS:
            return "zh-Hant"
        if "hans" in rest or rest & _SIMPLIFIED_REGIONS:
            return "zh-Hans"
        return None
    return primary if primary in SUPPORTED else None
