"""`kb check`: everything that can be wrong in knowledge/, intents/ and locales/, with file:line.

Advisors who are not programmers edit these files; the checker is what makes that safe, so each
message says where the problem is and what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

from .config import Settings
from .i18n import DOMAIN, FALLBACK_LANG, locale_dir_name
from .knowledge import ADVISOR_LABELS, ANSWER_LANGS, MAX_ANSWER_CHARS, load_advisor_labels, load_catalogue, load_knowledge
from .language import SUPPORTED
from .language.normalize import fold
from .ui_keys import TEMPLATE_KEYS
from .understanding.data import ContentError, language_file, load_intent_data
from .understanding.model import OUT_OF_SCOPE

MIN_EXAMPLES = 15
MAX_AGE_DAYS = 730          # 24 months
_FORMATTER = string.Formatter()


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    return 0


def _placeholders(text: str) -> set[str] | None:
    """The {names} in a string, or None when its braces are broken."""
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    except ValueError:
        return None


def check_knowledge(settings: Settings, catalogue: dict[str, str], today: dt.date) -> list[str]:
    problems: list[str] = []
    try:
        facts = load_knowledge(settings.knowledge_dir)
    except ContentError as exc:
        return [str(exc)]
    for intent, kind in catalogue.items():
        if kind in ("fact", "safety") and intent not in facts:
            problems.append(f"{settings.knowledge_dir}: {intent} has no entry (catalogue kind {kind})")
    for fact in facts.values():
        where = f"{fact.file}:{fact.line}"
        if fact.id not in catalogue:
            problems.append(f"{where}: {fact.id} is not a catalogue id")
        for lang in ANSWER_LANGS:
            text = fact.answers.get(lang, "")
            if not text:
                problems.append(f"{where}: {fact.id} has no answer in {lang}")
            elif len(text) > MAX_ANSWER_CHARS:
                problems.append(f"{where}: {fact.id} [{lang}] is {len(text)} characters (limit {MAX_ANSWER_CHARS})")
            elif _placeholders(text) is None or _placeholders(text):
                problems.append(f"{where}: {fact.id} [{lang}] contains braces {{ }}; answers take no placeholders")
        if not fact.source.title or not fact.source.url.startswith(("https://", "http://")):
            problems.append(f"{where}: {fact.id} needs source.title and an http(s) source.url")
        if (today - fact.as_of).days > MAX_AGE_DAYS and not fact.hedge:
            problems.append(f"{where}: {fact.id} is as of {fact.as_of}, older than 24 months, and not hedged")
        if fact.as_of > today:
            problems.append(f"{where}: {fact.id} as_of {fact.as_of} is in the future")
        for related in fact.related:
            if related not in catalogue:
                problems.append(f"{where}: {fact.id} relates to unknown id {related}")
    return problems


def check_intents(settings: Settings, catalogue: dict[str, str]) -> list[str]:
    problems: list[str] = []
    try:
        data = load_intent_data(settings.intents_dir)
    except ContentError as exc:
        return [str(exc)]
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for lang in SUPPORTED:
        path = language_file(settings.intents_dir, lang)
        lang_data = data.languages.get(lang)
        if lang_data is None:
            problems.append(f"{path}: missing (every language needs example phrasings)")
            continue
        for intent in catalogue:
            count = len(lang_data.intents.get(intent, ()))
            if count < MIN_EXAMPLES:
                problems.append(f"{path}: {intent} has {count} examples (at least {MIN_EXAMPLES})")
        for intent in lang_data.intents:
            if intent not in catalogue:
                problems.append(f"{path}:{_line_of(path, intent + ':')}: {intent} is not a catalogue id")
        if not lang_data.out_of_scope:
            problems.append(f"{path}: no out_of_scope examples")
        labelled = [(i, e) for i, ex in lang_data.intents.items() for e in ex] + [("fallback", e) for e in lang_data.out_of_scope]
        for intent, example in labelled:
            owners[fold(example)].add((intent, str(path)))
    for example, places in owners.items():
        intents = {i for i, _ in places}
        if len(intents) > 1:
            for intent, path in sorted(places):
                problems.append(f"{path}:{_line_of(Path(path), example) or '?'}: example {example!r} is shared by {', '.join(sorted(intents))}")
    return problems


def check_locales(settings: Settings, catalogue: dict[str, str]) -> list[str]:
    problems: list[str] = []
    catalogs = {}
    for lang in SUPPORTED:
        path = settings.locales_dir / locale_dir_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        with path.open("rb") as fh:
            catalogs[lang] = (path, {m.id: m for m in read_po(fh) if m.id})
    if FALLBACK_LANG not in catalogs:
        return problems
    en_path, english = catalogs[FALLBACK_LANG]
    needed = set(english) | {f"topic.{i}" for i, k in catalogue.items() if k in ("fact", "safety")}
    for lang, (path, messages) in catalogs.items():
        for key in sorted(needed):
            message = messages.get(key)
            where = f"{path}:{message.lineno if message else '?'}"
            value = str(message.string) if message else ""
            if not value.strip():
                problems.append(f"{where}: {key} is empty or missing in {lang}")
                continue
            source = str(english[key].string) if key in english else ""
            if lang != FALLBACK_LANG and value == source and re.search(r"[A-Za-z]{4}", value):
                problems.append(f"{where}: {key} is not translated into {lang}")
            got, want = _placeholders(value), _placeholders(source) if source else set()
            if got is None or (want is not None and got != want):
                problems.append(f"{where}: {key} placeholders {sorted(got or [])} do not match English {sorted(want or [])}")
            if key.startswith("topic.") and len(value) > 20:
                problems.append(f"{where}: {key} label is {len(value)} characters (buttons allow 20)")
    return problems


def check_content(settings: Settings, today: dt.date | None = None) -> list[str]:
    today = today or dt.date.today()
    catalogue = load_catalogue(settings.knowledge_dir / "catalogue.yaml")
    return (check_knowledge(settings, catalogue, today)
            + check_intents(settings, catalogue)
            + check_locales(settings, catalogue)
            + check_advisor_labels(settings, catalogue))


def check_advisor_labels(settings: Settings, catalogue: dict[str, str]) -> list[str]:
    """Every topic an advisor can see, and every reply template, has a Japanese and English name."""
    path = settings.knowledge_dir / ADVISOR_LABELS
    try:
        labels = load_advisor_labels(path)
    except (OSError, ContentError) as exc:
        return [f"{path}: {exc}"]
    problems = [f"{path}: topic {i} has no label" for i in [*catalogue, OUT_OF_SCOPE] if i not in labels.topics]
    problems += [f"{path}: {key} has no label" for key in TEMPLATE_KEYS if key not in labels.templates]
    problems += [f"{path}: {key} is not a template in bot/ui_keys.py" for key in labels.templates if key not in TEMPLATE_KEYS]
    return problems
