"""Which writing system a character belongs to.

Script decides Korean, Thai, Burmese and Chinese outright, and tells the normaliser which
characters may lose their accents (Latin only: Thai and Burmese marks carry meaning).
"""

from __future__ import annotations

from collections import Counter


def script_of(ch: str) -> str:
    o = ord(ch)
    if ch.isascii():
        return "latin" if ch.isalpha() else "other"
    if 0x00C0 <= o <= 0x024F or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if 0x0E00 <= o <= 0x0E7F:
        return "thai"
    if 0x1000 <= o <= 0x109F or 0xAA60 <= o <= 0xAA7F or 0xA9E0 <= o <= 0xA9FF:
        return "myanmar"
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F:
        return "han"
    return "other"


def script_counts(text: str) -> Counter[str]:
    return Counter(script_of(ch) for ch in text if not ch.isspace())
