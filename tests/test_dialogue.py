"""Whole-bot behaviour through the dialogue function: type a message, read the reply."""

from __future__ import annotations

from bot.conversation import ConversationState, Mode
from bot.core import Core
from bot.dialogue import respond
from bot.messages import IncomingMessage, Reply


class Chat:
    """A fake channel that keeps one conversation's state, as a real channel's store would."""

    def __init__(self, core: Core, hint: str | None = None) -> None:
        self.core, self.hint, self.state = core, hint, ConversationState()

    def say(self, text: str = "", payload: str | None = None) -> Reply:
        message = IncomingMessage("test", "u1", "c1", text, payload=payload, lang_hint=self.hint)
        turn = respond(self.core, message, self.state)
        self.state = turn.state
        return turn.reply


def test_fact_answer_carries_source_and_date_and_related_choices(core: Core) -> None:
    reply = Chat(core).say("how long can I stay with tokutei ginou 1?")
    assert reply.intent == "ssw.stay_period"
    assert reply.lang == "en"
    assert "5 years" in reply.text
    assert "as of" in reply.text and "https://" in reply.text
    assert any(c.payload == "advisor" for c in reply.choices)
    assert any(c.payload.startswith("intent:") for c in reply.choices)


def test_hedged_fact_says_it_may_change(core: Core) -> None:
    reply = Chat(core).say("when does ikusei shuro start?")
    assert reply.intent == "ikusei.start_date"
    assert "2027" in reply.text
    assert core.catalogs.text("en", "answer.hedge") in reply.text


def test_out_of_scope_gets_no_fact_but_topics_and_an_advisor(core: Core) -> None:
    reply = Chat(core).say("who won the football match yesterday")
    assert reply.intent == "fallback"
    assert not reply.handoff
    payloads = [c.payload for c in reply.choices]
    assert "advisor" in payloads
    assert sum(p.startswith("intent:") for p in payloads) == 3


def test_second_fallback_in_a_row_offers_an_advisor_unprompted(core: Core) -> None:
    chat = Chat(core)
    first = chat.say("what is the best ramen in osaka")
    second = chat.say("and the weather in sapporo tomorrow?")
    assert first.intent == second.intent == "fallback"
    assert second.text == core.catalogs.text("en", "fallback.offer_advisor")
    assert [c.payload for c in second.choices] == ["advisor"]
    assert chat.say("thank you").intent == "thanks"
    assert chat.state.fallbacks_in_row == 0


def test_emergency_is_urgent_handoff_with_numbers(core: Core) -> None:
    chat = Chat(core)
    reply = chat.say("accident at work, my friend is bleeding a lot")
    assert reply.intent == "help.emergency"
    assert reply.handoff and reply.urgent
    assert "119" in reply.text
    assert chat.state.mode is Mode.WAITING and chat.state.urgent


def test_handoff_request_queues_the_conversation_and_can_be_cancelled(core: Core) -> None:
    chat = Chat(core)
    reply = chat.say("i want to talk to a real person")
    assert reply.intent == "handoff.request" and reply.handoff and not reply.urgent
    assert chat.state.mode is Mode.WAITING
    waiting = chat.say("how long can I stay with tokutei ginou 1?")
    assert waiting.intent == "ssw.stay_period"
    assert core.catalogs.text("en", "handoff.waiting_note") in waiting.text
    cancelled = chat.say(payload="cancel")
    assert cancelled.text == core.catalogs.text("en", "handoff.cancelled")
    assert chat.state.mode is Mode.BOT


def test_bot_is_silent_while_an_advisor_holds_the_conversation(core: Core) -> None:
    chat = Chat(core)
    chat.state = ConversationState(lang="en", mode=Mode.CLAIMED)
    reply = chat.say("how long can I stay with tokutei ginou 1?")
    assert reply.silent and reply.text == ""
    assert reply.intent == "ssw.stay_period"          # the advisor still sees the topic
    emergency = chat.say("fire in the dormitory!")
    assert emergency.silent and emergency.urgent
    tapped = chat.say("SSW: family", payload="intent:ssw.family")   # an old button, tapped late
    assert tapped.silent
    assert chat.state.mode is Mode.CLAIMED


def test_tapping_a_topic_answers_it(core: Core) -> None:
    reply = Chat(core).say("SSW: family", payload="intent:ssw.family")
    assert reply.intent == "ssw.family" and reply.confidence == 1.0


def test_a_tapped_label_does_not_change_the_language(core: Core) -> None:
    chat = Chat(core)
    chat.say("quiero saber cuanto tiempo puedo quedarme con tokutei ginou")
    assert chat.state.lang == "es"
    reply = chat.say("Tokutei: permanente", payload="intent:ssw.permanent_residency")
    assert reply.lang == "es" and reply.intent == "ssw.permanent_residency"


def test_tapping_advisor_requests_handoff(core: Core) -> None:
    chat = Chat(core)
    reply = chat.say("Talk to an advisor", payload="advisor")
    assert reply.handoff and chat.state.mode is Mode.WAITING


def test_language_change_names_a_language(core: Core) -> None:
    chat = Chat(core)
    chat.say("hello")
    reply = chat.say("please answer in spanish")
    assert reply.intent == "language.change"
    assert reply.lang == "es"
    assert reply.text == core.catalogs.text("es", "language.changed")
    assert chat.say("ok").lang == "es"


def test_language_picker_sets_the_language(core: Core) -> None:
    chat = Chat(core)
    reply = chat.say(payload="lang:th")
    assert reply.lang == "th" and chat.state.lang == "th" and chat.state.lang_chosen


def test_language_is_sticky_for_short_replies(core: Core) -> None:
    chat = Chat(core)
    first = chat.say("toi muon hoi ve visa tokutei ginou")
    assert first.lang == "vi"
    assert chat.say("ok").lang == "vi"
    assert chat.say("SSW?").lang == "vi"


def test_platform_hint_decides_a_message_without_words(core: Core) -> None:
    assert Chat(core, hint="pt").say("SSW?").lang == "pt"


def test_simplified_chinese_is_answered_in_simplified(core: Core) -> None:
    reply = Chat(core).say("特定技能可以带家人来日本吗")
    assert reply.lang == "zh-Hans"
    assert reply.intent == "ssw.family"
    assert core.normalizer.to_simplified(reply.text) == reply.text


def test_zawgyi_message_is_understood(core: Core) -> None:
    zawgyi = "လူနာတင္ကား ေခၚေပးပါ"          # "please call an ambulance", typed with a Zawgyi font
    assert core.normalizer.zawgyi_probability(zawgyi) > 0.95
    reply = Chat(core).say(zawgyi)
    assert reply.lang == "my"
    assert reply.intent == "help.emergency" and reply.urgent
