"""Turns a decision of the dialogue into text and choices in the user's language.

All wording comes from knowledge/ (facts) and locales/ (the bot's own strings); this module only
assembles it, so that the dialogue can stay a list of decisions.
"""

from __future__ import annotations

import datetime as dt
import logging

from .core import Core
from .knowledge import Fact
from .messages import Choice

log = logging.getLogger(__name__)

ADVISOR = "advisor"
CANCEL = "cancel"
MENU = "menu"
START = "start"          # a new user (/start, LINE follow): greeting and the language picker
LANGUAGE = "language"    # the language picker (/language, rich menu)
INTENT_PREFIX = "intent:"
LANG_PREFIX = "lang:"


def topic_choice(core: Core, intent: str, lang: str) -> Choice:
    return Choice(INTENT_PREFIX + intent, core.catalogs.text(lang, f"topic.{intent}"))


def advisor_choice(core: Core, lang: str) -> Choice:
    return Choice(ADVISOR, core.catalogs.text(lang, "choice.advisor"))


def cancel_choice(core: Core, lang: str) -> Choice:
    return Choice(CANCEL, core.catalogs.text(lang, "choice.cancel"))


def language_choices(core: Core, langs: tuple[str, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(LANG_PREFIX + lang, core.catalogs.text(lang, "language.name")) for lang in langs)


def fact_text(core: Core, fact: Fact, lang: str) -> str:
    """The answer, then the hedge sentence when the fact is a plan, then "as of DATE · source"."""
    base = core.catalogs.base(lang)
    text = fact.answers.get(base)
    if text is None:
        log.error("answer missing", extra={"intent": fact.id, "lang": base})
        text = fact.answers.get("en", "")
    if lang == "zh-Hans":
        text = core.normalizer.to_simplified(text)
    lines = [text]
    if fact.hedge:
        lines.append(core.catalogs.text(lang, "answer.hedge"))
    source = f"{fact.source.title} {fact.source.url}".strip()
    lines.append(core.catalogs.text(lang, "answer.source_line", date=core.catalogs.format_date(fact.as_of, lang), source=source))
    return "\n".join(lines)


def related_choices(core: Core, fact: Fact, lang: str) -> tuple[Choice, ...]:
    return tuple(topic_choice(core, r, lang) for r in fact.related if r in core.facts)


def availability(core: Core, lang: str, now: dt.datetime) -> str:
    """When advisors work, or when the next one will answer; nothing for a round-the-clock desk."""
    hours = core.hours
    if not hours.shifts:
        return ""
    if hours.is_open(now):
        return core.catalogs.text(lang, "handoff.hours", hours=hours.describe(lang))
    moment = hours.next_open(now)
    if moment is None:
        return ""
    return core.catalogs.text(lang, "handoff.out_of_hours", when=hours.describe_moment(moment, lang))
