"""The reply language for one message: detection, weighed against what came before.

A conversation's language is sticky: "ok", "SSW?" or "thanks" say too little to switch, and a
language the user picked explicitly needs clear evidence to be left. The platform's hint is the
prior for a first message.
"""

from __future__ import annotations

from .detect import Detection

DEFAULT_LANG = "en"
_MIN_LETTERS_TO_SWITCH = 5
_MIN_CONFIDENCE_TO_SWITCH = 0.8


def choose_language(detection: Detection, current: str | None, hint: str | None, chosen: bool = False) -> str:
    if current is None:
        if detection.confidence == 0.0:
            return hint or DEFAULT_LANG
        if hint and (detection.confidence < 0.5 or (detection.letters == 0 and detection.confidence < 1.0)):
            return hint
        return detection.lang
    if detection.lang == current:
        return current
    if {detection.lang, current} == {"zh-Hans", "zh-Hant"} and detection.confidence < 1.0:
        return current                      # characters common to both scripts: keep the variant
    letters_needed = _MIN_LETTERS_TO_SWITCH * (3 if chosen else 1)
    if detection.confidence >= 1.0 and detection.letters >= 2 and not chosen:
        return detection.lang               # a different script is unmistakable
    if detection.letters >= letters_needed and detection.confidence >= _MIN_CONFIDENCE_TO_SWITCH:
        return detection.lang
    return current
