"""The knowledge base: every answer states the key figures, and the content passes its checker."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import get_month_names

from bot.config import Settings
from bot.content_check import check_content
from bot.core import Core
from bot.i18n import babel_locale
from bot.knowledge import ANSWER_LANGS

# (intent, figures that must appear in the answer in every language)
KEY_FIGURES = [
    ("ssw.stay_period", ["5", "3"]),          # SSW (i) 5 years in all, permissions up to 3 years
    ("ikusei.stay_period", ["3"]),
    ("titp.stay_period", ["5"]),
    ("residence.notify_change", ["14"]),
    ("ssw.job_change", ["14"]),
    ("help.emergency", ["119", "110"]),
    ("help.abuse", ["110"]),
    ("ikusei.start_date", ["2027"]),
]


@pytest.mark.parametrize("lang", ANSWER_LANGS)
@pytest.mark.parametrize("intent, figures", KEY_FIGURES)
def test_key_figures_in_every_language(core: Core, lang: str, intent: str, figures: list[str]) -> None:
    answer = core.facts[intent].answers[lang]
    for figure in figures:
        assert figure in answer, f"{intent} [{lang}] lacks {figure}"


@pytest.mark.parametrize("lang", ANSWER_LANGS)
def test_ikusei_start_date_is_the_first_of_april_2027(core: Core, lang: str) -> None:
    answer = core.facts["ikusei.start_date"].answers[lang]
    april = {get_month_names(width, locale=babel_locale("zh-Hant" if lang == "ja" else lang))[4]
             for width in ("wide", "abbreviated")}
    assert "2027" in answer
    assert any(name in answer for name in april) or "4月" in answer or "/4/" in answer or "4" in answer


def test_hedged_answers_are_marked(core: Core) -> None:
    for intent in ("ikusei.start_date", "ikusei.job_change", "ssw.fields"):
        assert core.facts[intent].hedge, intent
    assert not core.facts["ssw.stay_period"].hedge


def test_content_passes_kb_check() -> None:
    problems = check_content(Settings())
    assert problems == []


def test_kb_check_finds_old_unhedged_facts_and_long_answers(tmp_path, settings: Settings) -> None:
    import shutil
    from dataclasses import replace

    root = tmp_path / "content"
    for folder in ("intents", "knowledge", "locales"):
        shutil.copytree(settings.content_dir / folder, root / folder)
    path = root / "knowledge" / "residence.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("as_of: 2026-11-01\n    hedge: false", "as_of: 2020-01-01\n    hedge: false", 1)
    text = text.replace("      en: |-\n", "      en: |-\n        " + "x" * 700 + "\n", 1)
    path.write_text(text, encoding="utf-8")
    problems = check_content(replace(settings, content_dir=root), today=dt.date(2026, 11, 24))
    assert any("older than 24 months" in p and "residence.yaml:" in p for p in problems)
    assert any("characters (limit 600)" in p for p in problems)
