"""Matching on the real content: thresholds, safety routing and Japanese terms as concepts."""

from dataclasses import replace

import pytest

from bot.core import Core
from bot.understanding.match import Matcher, MatchSettings


def test_threshold_turns_a_guess_into_not_sure(core: Core) -> None:
    text = "how many years can I stay with tokutei ginou 1?"
    assert core.matcher.match(text, "en").intent == "ssw.stay_period"
    strict = Matcher(core.matcher.index, replace(core.matcher.settings, threshold=0.99))
    unsure = strict.match(text, "en")
    assert unsure.intent == "fallback"
    assert unsure.reason == "unsure"
    assert unsure.ranked[0][0] == "ssw.stay_period"     # the closest topics are still offered


def test_margin_rejects_a_tie(core: Core) -> None:
    text = "how many years can I stay with tokutei ginou 1?"
    wide = Matcher(core.matcher.index, MatchSettings(margin=0.99))
    assert wide.match(text, "en").intent == "fallback"


def test_gibberish_is_not_matched(core: Core) -> None:
    match = core.matcher.match("qwzx vbnm plokij", "en")
    assert match.intent == "fallback"


def test_confidence_is_a_probability_and_orders_sure_above_unsure(core: Core) -> None:
    clear = core.matcher.match("can my wife and kids come to japan if i have tokutei ginou 2", "en")
    vague = core.matcher.match("what about the thing", "en")
    assert 0.0 <= vague.confidence <= 1.0 and 0.0 <= clear.confidence <= 1.0
    assert clear.intent == "ssw.family"
    assert clear.confidence > vague.confidence


@pytest.mark.parametrize("text, lang, intent", [
    ("my boss hits me every day and keeps my passport", "en", "help.abuse"),
    ("there was an accident at the factory, my friend is bleeding, please help", "en", "help.emergency"),
    ("i want to talk to a real person", "en", "handoff.request"),
])
def test_safety_is_recognised(core: Core, text: str, lang: str, intent: str) -> None:
    assert core.matcher.match(text, lang).intent == intent


def test_safety_is_recognised_inside_a_long_message(core: Core) -> None:
    text = ("Hello, I have been in Japan for two years as a technical intern in a food factory. "
            "I want to ask about changing to tokutei ginou next year and about the tests. "
            "Also the company has not paid my salary for three months and they took my passport. "
            "What should I do about the visa?")
    match = core.matcher.match(text, "en")
    assert match.intent == "help.abuse"
    assert match.reason == "safety"


def test_japanese_terms_count_as_concepts_in_every_language(core: Core) -> None:
    for text in ("特定技能", "tokutei ginou", "SSW", "ｔｏｋｕｔｅｉ ｇｉｎｏｕ"):
        _, concepts = core.matcher.analyse(text)
        assert "ssw" in concepts, text
    _, concepts = core.matcher.analyse("育成就労 ikusei shuro")
    assert "ikusei" in concepts
