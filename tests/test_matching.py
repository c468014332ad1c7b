"""Matching on the real content: thresholds, safety routing and Japanese terms as concepts."""

from dataclasses import replace

import pytest

from bot.core import Core
from bot.understanding.match import Matcher


def test_threshold_turns_a_guess_into_not_sure(core: Core) -> None:
    text = "how many years can I stay with tokutei ginou 1?"
    assert core.matcher.match(text).intent == "ssw.stay_period"
    strict = Matcher(core.matcher.model, replace(core.matcher.settings, threshold=0.999))
    unsure = strict.match(text)
    assert unsure.intent == "fallback"
    assert unsure.reason == "unsure"
    assert unsure.ranked[0][0] == "ssw.stay_period"     # the closest topics are still offered


def test_out_of_scope_margin_favours_answering(core: Core) -> None:
    text = "what is the weather in tokyo"
    assert core.matcher.match(text).reason == "out_of_scope"
    lenient = Matcher(core.matcher.model, replace(core.matcher.settings, out_of_scope_margin=1.0, threshold=0.0))
    assert lenient.match(text).intent != "fallback"


def test_gibberish_is_not_matched(core: Core) -> None:
    assert core.matcher.match("qwzx vbnm plokij").intent == "fallback"


def test_confidence_is_a_probability_and_orders_sure_above_unsure(core: Core) -> None:
    clear = core.matcher.match("can my wife and kids come to japan if i have tokutei ginou 2")
    vague = core.matcher.match("what about the thing")
    assert 0.0 <= vague.confidence <= 1.0 and 0.0 <= clear.confidence <= 1.0
    assert clear.intent == "ssw.family"
    ranked = [p for _, p in clear.ranked]
    assert ranked == sorted(ranked, reverse=True) and sum(ranked) <= 1.0 + 1e-6
    assert clear.confidence > max(p for _, p in vague.ranked)


def test_a_long_greeting_with_a_question_answers_the_question(core: Core) -> None:
    text = "hello good morning! i have tokutei ginou 1 and want to know how many years i can stay in japan"
    assert core.matcher.match(text).intent == "ssw.stay_period"
    assert core.matcher.match("hello good morning!").intent == "greeting"


@pytest.mark.parametrize("text, intent", [
    ("my boss hits me every day", "help.abuse"),
    ("there was an accident at the factory, my friend is bleeding", "help.emergency"),
    ("i want to talk to a real person", "handoff.request"),
])
def test_safety_is_recognised(core: Core, text: str, intent: str) -> None:
    assert core.matcher.match(text).intent == intent


@pytest.mark.parametrize("text", [
    "the company keeps my passport and will not give it back",
    "my salary was not paid for two months",
])
def test_safety_cues_route_in_combination_only(core: Core, text: str) -> None:
    match = core.matcher.match(text)
    assert match.intent == "help.abuse" and match.reason == "safety"


@pytest.mark.parametrize("text", ["how much salary does an SSW worker get", "do I need my passport to apply"])
def test_a_single_safety_cue_does_not_route(core: Core, text: str) -> None:
    assert core.matcher.match(text).reason != "safety"


@pytest.mark.parametrize("text", [
    "it's not an emergency, is there a place where i can consult in my own language",
    "the landlord wants a japanese emergency contact and a guarantor before i rent an apartment",
    "no es una emergencia, hay algun lugar para consultar en espanol",
    "o chefe eh desorganizado, so e cansativo mesmo, posso trocar de empresa como estagiario?",  # "só é"
    "cho anh xin so e de lien lac nhe",                                     # "số em", my number
    "my gay co-worker says i can change company, is it true for tokutei?",
])
def test_a_phrase_containing_an_alarm_word_raises_no_alarm(core: Core, text: str) -> None:
    assert core.matcher.match(text).reason != "safety"


@pytest.mark.parametrize("text", [
    "it's not an emergency for me but there is a fire in the dormitory",
    "emergency contact? my friend is bleeding a lot, call an ambulance",
])
def test_a_real_alarm_next_to_such_a_phrase_still_counts(core: Core, text: str) -> None:
    match = core.matcher.match(text)
    assert match.intent == "help.emergency" and match.reason == "safety"


def test_safety_is_recognised_inside_a_long_message(core: Core) -> None:
    text = ("Hello, I have been in Japan for two years as a technical intern in a food factory. "
            "I want to ask about changing to tokutei ginou next year and about the tests. "
            "Also the company has not paid my salary for three months and they took my passport. "
            "What should I do about the visa?")
    match = core.matcher.match(text)
    assert match.intent == "help.abuse"
    assert match.reason == "safety"


@pytest.mark.parametrize("text, areas", [
    ("我是特定技能一號，可以換公司嗎", {"ssw", "ssw1"}),
    ("tôi đang là kỹ năng đặc định 1, muốn đổi công ty", {"ssw", "ssw1"}),
    ("after ssw (ii) can i bring my wife", {"ssw", "ssw2"}),
])
def test_a_form_that_contains_a_status_names_that_status_too(core: Core, text: str, areas: set[str]) -> None:
    assert areas <= core.matcher.model.analyse(text).concepts


def test_japanese_terms_count_as_concepts_in_every_language(core: Core) -> None:
    model = core.matcher.model
    for text in ("特定技能", "tokutei ginou", "SSW", "ｔｏｋｕｔｅｉ ｇｉｎｏｕ"):
        assert "ssw" in model.analyse(text).concepts, text
    assert "ikusei" in model.analyse("育成就労 ikusei shuro").concepts


def test_concept_pairs_are_features(core: Core) -> None:
    analysis = core.matcher.model.analyse("can a jisshusei switch to tokutei ginou")
    concepts_doc = analysis.blocks()[2].split()
    assert {"ssw", "titp"} <= set(concepts_doc)
    assert "ssw+titp" in concepts_doc


LONG = ("I came to Japan four years ago and worked on a farm in Kumamoto, then in a food factory. "
        "My friends say the factory in Osaka pays more and has a dormitory. "
        "When does the new Ikusei Shuro system start?")


def test_the_asking_sentence_of_a_long_message_is_where_the_question_is(core: Core) -> None:
    matcher = core.matcher
    assert matcher._asking_sentence(LONG) == "When does the new Ikusei Shuro system start?"
    remark = LONG + " I am interested in farming, my family has rice fields."
    assert matcher._asking_sentence(remark) == "When does the new Ikusei Shuro system start?"
    two = "I work in a food factory in Gifu and I like it here a lot, the people are kind. Can I bring my wife? And how long can I stay? Thanks!!"
    assert matcher._asking_sentence(two) == "Can I bring my wife?"                       # the first question
    no_mark = "I work in a food factory in Gifu and I like it here a lot, the people are kind. My friend moved to Osaka. I want to know about the family visa"
    assert matcher._asking_sentence(no_mark) == "I want to know about the family visa"  # no "?": the last one
    assert matcher._asking_sentence("When does Ikusei Shuro start?") is None             # short: whole text only
    assert matcher._asking_sentence("x" * 150) is None                                 # one sentence
    burmese = "ကျွန်တော် ဂျပန်မှာ လေးနှစ် အလုပ်လုပ်ခဲ့တယ်။ အခု ကုမ္ပဏီ ပြောင်းချင်တယ်။ " * 2
    assert matcher._asking_sentence(burmese) is not None                               # ။ ends a sentence too


def test_focus_weight_blends_whole_message_and_asking_sentence(core: Core) -> None:
    whole = Matcher(core.matcher.model, replace(core.matcher.settings, focus_weight=0.0)).match(LONG)
    last_only = Matcher(core.matcher.model, replace(core.matcher.settings, focus_weight=1.0)).match(LONG)
    question = core.matcher.model.probabilities(core.matcher.model.analyse("When does the new Ikusei Shuro system start?"))
    assert last_only.confidence == pytest.approx(question[last_only.intent], abs=1e-9)
    assert last_only.intent == "ikusei.start_date"
    blended = core.matcher.match(LONG)
    assert blended.intent == "ikusei.start_date"
    w = core.matcher.settings.focus_weight
    assert 0 < w < 1
    assert blended.confidence == pytest.approx((1 - w) * dict(whole.ranked).get("ikusei.start_date", 0.0)
                                               + w * question["ikusei.start_date"], abs=1e-6)


def test_no_alarm_form_occurs_in_an_ordinary_example_of_any_language(core: Core, settings) -> None:
    """Latin forms count in every language: Vietnamese "sờ em" folds to Portuguese "só em" (only in)."""
    from bot.understanding.data import load_intent_data

    data = load_intent_data(settings.intents_dir)
    model = core.matcher.model
    quiet = {"help.abuse", "help.emergency", "handoff.request"}
    found = []
    for lang, lang_data in data.languages.items():
        examples = [e for i, es in lang_data.intents.items() if i not in quiet for e in es] + lang_data.out_of_scope
        for example in examples:
            folded = model.normalizer.for_matching(example)
            found += [(lang, folded[s.start:s.end], example) for s in model.lexicon.spans(folded)
                      if s.concepts & {"abuse", "emergency", "human"}]
    assert found == []


@pytest.mark.parametrize("text", [
    "i am tokutei ginou in a factory in aichi, my company gave me papers for the year-end adjustment, "
    "what do i write for my parents in the philippines?",
    "soy jisshusei en gifu y quiero sacar la licencia de conducir japonesa, cuanto cuesta la escuela de manejo?",
])
def test_a_daily_life_question_from_a_worker_is_out_of_scope(core: Core, text: str) -> None:
    assert core.matcher.match(text).intent == "fallback"
