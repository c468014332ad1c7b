"""Text normalisation before detection and matching.

Workers type the same word many ways: with or without Vietnamese tone marks, in full-width
forms from a Japanese keyboard, in legacy Zawgyi Burmese, in Simplified or Traditional Chinese.
Everything is folded to one form here so that intents/ needs each phrasing only once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from myanmar import converter as _myanmar_converter
from myanmartools import ZawgyiDetector

from .scripts import script_of

_ZAWGYI_THRESHOLD = 0.95
_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"(.)\1{3,}")  # "plsssss" -> "plsss": typed emphasis, not meaning


class Normalizer:
    """Holds the converters, which are costly to load (OpenCC dictionaries, Zawgyi model)."""

    def __init__(self) -> None:
        self._s2t = opencc.OpenCC("s2t.json")
        self._t2s = opencc.OpenCC("t2s.json")
        self._zawgyi = ZawgyiDetector()

    # -- encodings and scripts ------------------------------------------------------------
    def zawgyi_probability(self, text: str) -> float:
        if text.isascii() or not any(script_of(c) == "myanmar" for c in text):
            return 0.0
        return float(self._zawgyi.get_zawgyi_probability(text))

    def fix_zawgyi(self, text: str) -> str:
        """Convert legacy Zawgyi-encoded Burmese to Unicode; other text passes unchanged."""
        if self.zawgyi_probability(text) >= _ZAWGYI_THRESHOLD:
            return _myanmar_converter.convert(text, "zawgyi", "unicode")
        return text

    def to_traditional(self, text: str) -> str:
        return self._s2t.convert(text) if _has_han(text) else text

    def to_simplified(self, text: str) -> str:
        return self._t2s.convert(text) if _has_han(text) else text

    def simplified_evidence(self, text: str) -> tuple[int, int]:
        """(characters only Simplified uses, characters only Traditional uses) in `text`."""
        han = "".join(c for c in text if script_of(c) == "han")
        if not han:
            return 0, 0
        trad = self._s2t.convert(han)
        simp = self._t2s.convert(han)
        only_simplified = sum(1 for a, b in zip(han, trad) if a != b)
        only_traditional = sum(1 for a, b in zip(han, simp) if a != b)
        return only_simplified, only_traditional

    # -- the matching form ----------------------------------------------------------------
    def for_matching(self, text: str) -> str:
        """The one form every example and every message is compared in."""
        text = self.fix_zawgyi(text)
        text = self.to_traditional(text)
        return fold(text)


def _has_han(text: str) -> bool:
    return not text.isascii() and any(script_of(c) == "han" for c in text)


# Burmese vowel signs that keyboards let people type in either order and that look the same on
# screen ("တုိ" and "တို"); Unicode normalisation does not reorder them, so they are put in the
# stored order here
_MYANMAR_ORDER = (("\u102f\u102d", "\u102d\u102f"), ("\u1030\u102d", "\u102d\u1030"), ("\u1036\u102f", "\u102f\u1036"))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """NFKC, case folding, Latin accents removed, repeated letters and spaces squeezed.

    Accents are removed only after Latin letters: Thai and Burmese combining marks are part of
    the spelling, and Hangul must not be decomposed into jamo.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("đ", "d").replace("ð", "d").replace("ı", "i")
    out: list[str] = []
    base_is_latin = False
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = script_of(ch) == "latin"
        out.append(ch)
    text = unicodedata.normalize("NFC", "".join(out))
    for typed, stored in _MYANMAR_ORDER:
        text = text.replace(typed, stored)
    text = _REPEATS.sub(r"\1\1\1", text)
    return _SPACES.sub(" ", text).strip()
