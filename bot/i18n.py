"""The bot's own UI strings (gettext catalogues in locales/) and locale-aware formatting.

Message ids are symbolic keys (`greeting.reply`), so no user-facing sentence lives in code; the
English catalogue holds the English text like every other language. Simplified Chinese is not a
catalogue of its own: it is converted from Traditional, as the answers are.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .language import SUPPORTED

DOMAIN = "madoguchi"
FALLBACK_LANG = "en"
log = logging.getLogger(__name__)


def locale_dir_name(lang: str) -> str:
    """BCP-47 tag -> the folder name pybabel uses (zh-Hant -> zh_Hant)."""
    return lang.replace("-", "_")


def babel_locale(lang: str) -> Locale:
    return Locale.parse(locale_dir_name(lang))


def load_translations(locales_dir: Path, lang: str) -> Translations | None:
    """The compiled .mo when it is at least as new as the .po; otherwise the .po compiled in memory,
    so that a fresh checkout works before `pybabel compile` has run."""
    base = locales_dir / locale_dir_name(lang) / "LC_MESSAGES"
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if not po.exists():
        return None
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale_dir_name(lang), domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


class Catalogs:
    def __init__(self, locales_dir: Path, simplify: Callable[[str], str]) -> None:
        self._simplify = simplify
        self._translations: dict[str, Translations] = {}
        self._warned: set[tuple[str, str]] = set()
        for lang in SUPPORTED:
            tr = load_translations(locales_dir, lang)
            if tr is not None:
                self._translations[lang] = tr

    @staticmethod
    def base(lang: str) -> str:
        return "zh-Hant" if lang == "zh-Hans" else lang

    def text(self, lang: str, key: str, **params: object) -> str:
        base = self.base(lang)
        value = key
        for candidate in (base, FALLBACK_LANG):
            tr = self._translations.get(candidate)
            if tr is not None and (value := tr.gettext(key)) != key:
                break
            if (key, candidate) not in self._warned:
                self._warned.add((key, candidate))
                log.warning("ui string missing", extra={"key": key, "lang": candidate})
        if params:
            value = value.format(**params)
        return self._simplify(value) if lang == "zh-Hans" else value

    def format_date(self, date: dt.date, lang: str) -> str:
        return format_date(date, format="long", locale=babel_locale(lang))
