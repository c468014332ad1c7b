"""respond(message, conversation) -> reply: every decision the bot makes about one message.

The order is explicit and fixed: conversation mode first (a bot never talks over an advisor),
then buttons the user tapped, then safety, then understanding. No channel code lives here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from . import replies
from .conversation import ConversationState, Mode
from .core import Core
from .language import SUPPORTED
from .language.choose import choose_language
from .messages import Choice, IncomingMessage, Reply
from .understanding.model import OUT_OF_SCOPE
from .understanding.match import URGENT, Match

log = logging.getLogger(__name__)

MENU_TOPICS = ("titp.overview", "ikusei.overview", "ssw.overview", "ssw.job_change", "jobs.find", "help.hotline")
FALLBACKS_BEFORE_ADVISOR = 2
MAX_UNDERSTOOD_CHARS = 2000      # beyond this a message is cut for understanding (a 100 kB paste stays cheap)
_LANG_CONCEPTS = {f"lang_{tag.split('-')[0]}": tag for tag in SUPPORTED}


@dataclass(frozen=True)
class Turn:
    reply: Reply
    state: ConversationState


def respond(core: Core, message: IncomingMessage, state: ConversationState,
            now: dt.datetime | None = None) -> Turn:
    """`now` decides whether advisors are at work (tests pass a fixed moment)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    text = message.text[:MAX_UNDERSTOOD_CHARS]
    if text and not message.payload:
        detection = core.detector.detect(text, hint=message.lang_hint)
        lang = choose_language(detection, state.lang, message.lang_hint, state.lang_chosen)
    else:
        # a tapped button's label is the bot's own words: it says nothing about the user's language
        lang = state.lang or _hint(message.lang_hint)
    if state.mode is Mode.CLOSED:
        state = state.update(mode=Mode.BOT)

    match = core.matcher.match(text) if text else None
    if state.mode is Mode.CLAIMED:
        # an advisor holds the conversation: say nothing, even to a tapped button; the advisor
        # sees the message, and the topic and urgency are recorded for the queue
        intent = match.intent if match else OUT_OF_SCOPE
        urgent = state.urgent or intent in URGENT
        silent = Reply("", lang, intent, match.confidence if match else 0.0, urgent=urgent, silent=True)
        return Turn(silent, state.update(lang=lang, urgent=urgent, last_intent=intent))

    if message.payload:
        turn = _tapped(core, message.payload, lang, state, now)
        if turn is not None:
            return turn
    if match is None:
        if message.kind == "follow":
            return _start(core, lang, state)
        if message.kind != "text":
            # a sticker, photo, location or voice message: say politely that only text is read
            return Turn(Reply(core.catalogs.text(lang, "nontext.reply"), lang, OUT_OF_SCOPE, 0.0),
                        state.update(lang=lang))
        return _fallback(core, lang, state, None)
    return _decide(core, match, lang, state, now)


def _hint(hint: str | None) -> str:
    return hint if hint in SUPPORTED or hint == "zh-Hans" else "en"


def _decide(core: Core, match: Match, lang: str, state: ConversationState, now: dt.datetime) -> Turn:
    intent = match.intent
    kind = core.catalogue.get(intent)
    if intent == OUT_OF_SCOPE or kind is None:
        return _fallback(core, lang, state, match)
    state = state.update(fallbacks_in_row=0, last_intent=intent)
    if kind == "safety":
        return _urgent(core, match, lang, state, now)
    if intent == "handoff.request":
        return _handoff(core, match.confidence, lang, state, now)
    if intent == "language.change":
        return _language_change(core, match, lang, state)
    if kind == "meta":
        return _meta(core, intent, match.confidence, lang, state)
    return _fact(core, intent, match.confidence, lang, state)


def _fact(core: Core, intent: str, confidence: float, lang: str, state: ConversationState) -> Turn:
    fact = core.facts.get(intent)
    if fact is None:
        log.error("no knowledge for intent", extra={"intent": intent})
        return _fallback(core, lang, state, None)
    text = replies.fact_text(core, fact, lang)
    choices = replies.related_choices(core, fact, lang)
    if state.mode is Mode.WAITING:
        text += "\n" + core.catalogs.text(lang, "handoff.waiting_note")
        choices += (replies.cancel_choice(core, lang),)
    else:
        choices += (replies.advisor_choice(core, lang),)
    return Turn(Reply(text, lang, intent, confidence, choices), state.update(lang=lang))


def _meta(core: Core, intent: str, confidence: float, lang: str, state: ConversationState) -> Turn:
    text = core.catalogs.text(lang, f"{intent}.reply")
    choices: tuple[Choice, ...] = ()
    if intent in ("greeting", "help"):
        choices = tuple(replies.topic_choice(core, t, lang) for t in MENU_TOPICS)
        choices += (replies.advisor_choice(core, lang),)
    return Turn(Reply(text, lang, intent, confidence, choices), state.update(lang=lang))


def _language_change(core: Core, match: Match, lang: str, state: ConversationState) -> Turn:
    named = [_LANG_CONCEPTS[c] for c in match.concepts if c in _LANG_CONCEPTS]
    if lang in named or (lang == "zh-Hans" and "zh-Hant" in named):
        target = lang
    elif len(named) == 1:
        target = named[0]
    else:
        return _picker(core, lang, match.confidence, state)
    return _switch_language(core, target, match.confidence, state)


def _switch_language(core: Core, target: str, confidence: float, state: ConversationState) -> Turn:
    text = core.catalogs.text(target, "language.changed")
    return Turn(Reply(text, target, "language.change", confidence), state.update(lang=target, lang_chosen=True))


def _handoff(core: Core, confidence: float, lang: str, state: ConversationState, now: dt.datetime) -> Turn:
    if state.mode is Mode.WAITING:
        first = core.catalogs.text(lang, "handoff.already_waiting")
    else:
        first = core.catalogs.text(lang, "handoff.requested")
    text = "\n".join(filter(None, (first, replies.availability(core, lang, now))))
    reply = Reply(text, lang, "handoff.request", confidence, (replies.cancel_choice(core, lang),), handoff=True)
    return Turn(reply, state.update(lang=lang, mode=Mode.WAITING))


def _urgent(core: Core, match: Match, lang: str, state: ConversationState, now: dt.datetime) -> Turn:
    """The help lines and emergency numbers first, at once; then that a person was alerted and when
    one works, so that at night the user knows to call rather than wait."""
    fact = core.facts.get(match.intent)
    lines = [replies.fact_text(core, fact, lang) if fact else core.catalogs.text(lang, "handoff.requested")]
    lines += [core.catalogs.text(lang, "handoff.urgent_queued"), replies.availability(core, lang, now)]
    reply = Reply("\n".join(filter(None, lines)), lang, match.intent, match.confidence, handoff=True, urgent=True)
    return Turn(reply, state.update(lang=lang, mode=Mode.WAITING, urgent=True))


def _fallback(core: Core, lang: str, state: ConversationState, match: Match | None) -> Turn:
    count = state.fallbacks_in_row + 1
    state = state.update(lang=lang, fallbacks_in_row=count, last_intent=OUT_OF_SCOPE)
    advisor = replies.advisor_choice(core, lang)
    if count >= FALLBACKS_BEFORE_ADVISOR:
        text = core.catalogs.text(lang, "fallback.offer_advisor")
        return Turn(Reply(text, lang, OUT_OF_SCOPE, match.confidence if match else 0.0, (advisor,)), state)
    closest = [i for i, _ in (match.ranked if match else ()) if core.catalogue.get(i) == "fact"][:3]
    if closest and match is not None and match.reason == "unsure":
        text = core.catalogs.text(lang, "fallback.unsure")
        choices = tuple(replies.topic_choice(core, i, lang) for i in closest) + (advisor,)
    else:
        text = core.catalogs.text(lang, "fallback.no_topics")
        choices = tuple(replies.topic_choice(core, i, lang) for i in MENU_TOPICS[:3]) + (advisor,)
    return Turn(Reply(text, lang, OUT_OF_SCOPE, match.confidence if match else 0.0, choices), state)


def _tapped(core: Core, payload: str, lang: str, state: ConversationState, now: dt.datetime) -> Turn | None:
    """A button press means exactly what it says; unknown payloads fall through to the text."""
    if payload.startswith(replies.LANG_PREFIX):
        target = payload[len(replies.LANG_PREFIX):]
        if target in SUPPORTED or target == "zh-Hans":
            return _switch_language(core, target, 1.0, state)
    if payload.startswith(replies.INTENT_PREFIX):
        intent = payload[len(replies.INTENT_PREFIX):]
        if intent in core.catalogue:
            match = Match(intent, 1.0, (), frozenset(), "tapped")
            return _decide(core, match, lang, state, now)
    if payload == replies.ADVISOR:
        return _handoff(core, 1.0, lang, state.update(fallbacks_in_row=0), now)
    if payload == replies.CANCEL:
        if state.mode is Mode.WAITING:
            text = core.catalogs.text(lang, "handoff.cancelled")
            return Turn(Reply(text, lang, "handoff.cancel", 1.0), state.update(lang=lang, mode=Mode.BOT, urgent=False))
        text = core.catalogs.text(lang, "handoff.nothing_to_cancel")
        return Turn(Reply(text, lang, "handoff.cancel", 1.0), state.update(lang=lang))
    if payload == replies.MENU:
        return _meta(core, "help", 1.0, lang, state)
    if payload == replies.START:
        return _start(core, lang, state)
    if payload == replies.LANGUAGE:
        return _picker(core, lang, 1.0, state)
    return None


def _start(core: Core, lang: str, state: ConversationState) -> Turn:
    """Hello in the language we guess, and every language to pick from."""
    text = core.catalogs.text(lang, "greeting.reply") + "\n" + core.catalogs.text(lang, "language.picker")
    return Turn(Reply(text, lang, "greeting", 1.0, replies.language_choices(core, SUPPORTED)), state.update(lang=lang))


def _picker(core: Core, lang: str, confidence: float, state: ConversationState) -> Turn:
    text = core.catalogs.text(lang, "language.picker")
    return Turn(Reply(text, lang, "language.change", confidence, replies.language_choices(core, SUPPORTED)),
                state.update(lang=lang))
