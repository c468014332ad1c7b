"""Handoff on a real SQLite file: every state transition, what the user is told, who may act."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from bot.conversation import Mode
from bot.core import Core
from bot.desk import HelpDesk
from bot.handoff import Conflict, Forbidden, Invalid
from bot.hours import AdvisorHours
from bot.messages import DeliveryError, IncomingMessage, OutgoingMessage
from bot.outbox import Outbox
from bot.store.sqlite import SQLiteStore

TOKYO = dt.timezone(dt.timedelta(hours=9))
WEEKDAY_NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)       # a Wednesday
SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 23, 0, tzinfo=TOKYO)


class Recorder:
    """A channel that remembers what it was asked to send; can be told to fail."""

    channel = "test"

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []
        self.failures: list[DeliveryError] = []

    async def send(self, message: OutgoingMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)

    def texts(self) -> list[str]:
        return [m.text for m in self.sent]


@pytest.fixture
def office_core(core: Core) -> Core:
    return replace(core, hours=AdvisorHours.parse("mon-fri 09:00-18:00", "Asia/Tokyo"))


@pytest.fixture
async def desk(tmp_path: Path, office_core: Core):
    store = SQLiteStore(tmp_path / "desk.db")
    await store.open()
    desk = HelpDesk(office_core, store, clock=lambda: WEEKDAY_NOON)
    yield desk
    await store.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def outbox(desk: HelpDesk, recorder: Recorder) -> Outbox:
    return Outbox(desk.store, {"test": recorder})


def said(text: str, user: str = "u1", **kw) -> IncomingMessage:
    return IncomingMessage("test", user, user, text, **kw)


async def advisors(desk: HelpDesk):
    return await desk.store.add_advisor("aiko", "h1"), await desk.store.add_advisor("ben", "h2")


async def test_asking_for_a_person_queues_and_tells_the_hours(desk: HelpDesk, outbox: Outbox, recorder: Recorder,
                                                               office_core: Core) -> None:
    handled = await desk.handle(said("I want to talk to a real person please"))
    assert handled.reply.intent == "handoff.request"
    assert handled.conversation.state.mode is Mode.WAITING and not handled.conversation.state.urgent
    await outbox.drain()
    assert recorder.texts()[0].startswith(office_core.catalogs.text("en", "handoff.requested"))
    assert "Monday–Friday" in recorder.texts()[0] and "Japan Time" in recorder.texts()[0]
    [entry] = await desk.store.queue()
    assert entry.conversation.id == handled.conversation.id and entry.recent_intents == ("handoff.request",)
    assert [a.action for a in await desk.store.audit(handled.conversation.id)] == ["handoff.request"]


async def test_out_of_hours_the_user_is_told_when_someone_answers(tmp_path: Path, office_core: Core) -> None:
    store = SQLiteStore(tmp_path / "night.db")
    await store.open()
    night = HelpDesk(office_core, store, clock=lambda: SATURDAY_NIGHT)
    handled = await night.handle(said("Tôi muốn nói chuyện với nhân viên tư vấn"))
    await store.close()
    assert handled.reply.lang == "vi"
    when = office_core.hours.describe_moment(dt.datetime(2026, 11, 30, 9, 0, tzinfo=TOKYO), "vi")
    assert office_core.catalogs.text("vi", "handoff.out_of_hours", when=when) in handled.reply.text


async def test_abuse_is_urgent_and_gives_the_help_lines_at_once(desk: HelpDesk) -> None:
    await desk.handle(said("I want to talk to a person"))                       # an ordinary request first
    handled = await desk.handle(said("My company took my passport and they hit me"))
    assert handled.reply.intent == "help.abuse" and handled.reply.urgent
    assert "110" in handled.reply.text and "otit.go.jp" in handled.reply.text    # help lines, in the reply itself
    assert desk.core.catalogs.text("en", "handoff.urgent_queued") in handled.reply.text
    assert handled.conversation.state.urgent and handled.conversation.state.mode is Mode.WAITING
    queue = await desk.store.queue()
    assert queue[0].conversation.state.urgent


async def test_urgent_conversations_come_first_then_the_longest_waiting(desk: HelpDesk) -> None:
    await desk.handle(said("talk to a human please", user="early"))
    await desk.handle(said("talk to a human please", user="later"))
    await desk.handle(said("There was an accident, my friend is bleeding a lot, call an ambulance", user="urgent"))
    assert [e.conversation.chat_id for e in await desk.store.queue()] == ["urgent", "early", "later"]


async def test_while_waiting_the_bot_answers_and_says_an_advisor_is_coming(desk: HelpDesk) -> None:
    await desk.handle(said("talk to a human please"))
    handled = await desk.handle(said("How long can a Specified Skilled Worker (i) stay in Japan?"))
    assert handled.reply.intent == "ssw.stay_period"
    assert desk.core.catalogs.text("en", "handoff.waiting_note") in handled.reply.text
    assert handled.conversation.state.mode is Mode.WAITING


async def test_the_user_can_cancel_a_waiting_request(desk: HelpDesk) -> None:
    await desk.handle(said("talk to a human please"))
    handled = await desk.handle(said("cancel", payload="cancel"))
    assert handled.conversation.state.mode is Mode.BOT
    assert await desk.store.queue() == []
    assert [a.action for a in await desk.store.audit()] == ["handoff.request", "handoff.cancel"]


async def test_claimed_conversation_silences_the_bot_and_the_advisor_talks(desk: HelpDesk, outbox: Outbox,
                                                                             recorder: Recorder) -> None:
    aiko, _ = await advisors(desk)
    handled = await desk.handle(said("Xin chào, tôi muốn gặp nhân viên tư vấn"))
    conversation = await desk.claim(handled.conversation.id, aiko)
    assert conversation.state.mode is Mode.CLAIMED and conversation.claimed_by == aiko.id
    await outbox.drain()
    assert recorder.texts()[-1] == desk.core.catalogs.text("vi", "handoff.advisor_joined")

    sent_before = len(recorder.sent)
    for text in ("Công ty giữ hộ chiếu của tôi", "sticker"):
        silent = await desk.handle(said(text))
        assert silent.reply.silent
    await outbox.drain()
    assert len(recorder.sent) == sent_before                                     # not a word from the bot
    transcript = await desk.store.messages(conversation.id)
    assert transcript[-1].text == "sticker" and transcript[-1].direction == "in"
    assert transcript[-2].intent == "help.abuse"                                 # the topic is still recorded
    assert (await desk.store.conversation(conversation.id)).state.urgent         # and the urgency

    await desk.send(conversation.id, aiko, "Chào bạn, mình là tư vấn viên.")
    await outbox.drain()
    assert recorder.sent[-1].text == "Chào bạn, mình là tư vấn viên." and recorder.sent[-1].user_id == "u1"


async def test_release_returns_to_the_queue_and_close_returns_to_the_bot(desk: HelpDesk, outbox: Outbox,
                                                                        recorder: Recorder) -> None:
    aiko, ben = await advisors(desk)
    handled = await desk.handle(said("talk to a human please"))
    cid = handled.conversation.id
    await desk.claim(cid, aiko)
    released = await desk.release(cid, aiko)
    assert released.state.mode is Mode.WAITING and released.claimed_by is None
    await desk.claim(cid, ben)
    closed = await desk.close(cid, ben)
    assert closed.state.mode is Mode.CLOSED and not closed.state.urgent
    await outbox.drain()
    catalogs = desk.core.catalogs
    assert recorder.texts()[-4:] == [catalogs.text("en", k) for k in
                                     ("handoff.advisor_joined", "handoff.released", "handoff.advisor_joined", "handoff.closed")]
    back = await desk.handle(said("How long can a technical intern stay?"))
    assert back.reply.intent == "titp.stay_period" and not back.reply.silent
    assert back.conversation.state.mode is Mode.BOT
    actions = [(a.action, a.advisor_id) for a in await desk.store.audit(cid)]
    assert actions == [("handoff.request", None), ("claim", aiko.id), ("release", aiko.id),
                       ("claim", ben.id), ("close", ben.id)]


async def test_only_the_holder_may_act(desk: HelpDesk) -> None:
    aiko, ben = await advisors(desk)
    cid = (await desk.handle(said("talk to a human please"))).conversation.id
    with pytest.raises(Conflict):
        await desk.send(cid, aiko, "hello")                                      # claim first
    with pytest.raises(Conflict):
        await desk.release(cid, aiko)
    await desk.claim(cid, aiko)
    await desk.claim(cid, aiko)                                                  # a double click is harmless
    with pytest.raises(Conflict):
        await desk.claim(cid, ben)
    for action in (desk.release, desk.close):
        with pytest.raises(Forbidden):
            await action(cid, ben)
    with pytest.raises(Forbidden):
        await desk.send(cid, ben, "hello")
    with pytest.raises(Invalid):
        await desk.send(cid, aiko, "   ")
    await desk.close(cid, aiko)
    with pytest.raises(Conflict):
        await desk.close(cid, aiko)                                              # nothing left to close


async def test_two_advisors_claiming_at_once_one_wins(tmp_path: Path, office_core: Core) -> None:
    """Two processes' worth of stores on one file, claiming the same conversation concurrently."""
    path = tmp_path / "race.db"
    stores = [SQLiteStore(path), SQLiteStore(path)]
    for s in stores:
        await s.open()
    desks = [HelpDesk(office_core, s, clock=lambda: WEEKDAY_NOON) for s in stores]
    aiko = await stores[0].add_advisor("aiko", "h1")
    ben = await stores[0].add_advisor("ben", "h2")
    for round_ in range(10):
        cid = (await desks[0].handle(said("talk to a human please", user=f"u{round_}"))).conversation.id
        results = await asyncio.gather(desks[0].claim(cid, aiko), desks[1].claim(cid, ben), return_exceptions=True)
        winners = [r for r in results if not isinstance(r, Exception)]
        assert len(winners) == 1 and isinstance([r for r in results if isinstance(r, Exception)][0], Conflict)
        final = await stores[1].conversation(cid)
        assert final.claimed_by == winners[0].claimed_by
        assert [a.action for a in await stores[1].audit(cid)].count("claim") == 1
    for s in stores:
        await s.close()


async def test_a_claim_between_reading_and_answering_keeps_the_bot_silent(desk: HelpDesk) -> None:
    """The advisor claims while the user's message is being answered: the answer is not sent."""
    aiko, _ = await advisors(desk)
    cid = (await desk.handle(said("talk to a human please"))).conversation.id
    real = desk.store.commit
    claimed = False

    async def commit_after_a_claim(conversation, transition):
        nonlocal claimed
        if not claimed:
            claimed = True
            await desk.claim(cid, aiko)
        return await real(conversation, transition)

    desk.store.commit = commit_after_a_claim
    handled = await desk.handle(said("How long can a technical intern stay?"))
    assert handled.reply.silent and handled.conversation.state.mode is Mode.CLAIMED


async def test_silence_survives_a_restart(tmp_path: Path, office_core: Core) -> None:
    path = tmp_path / "restart.db"
    store = SQLiteStore(path)
    await store.open()
    desk = HelpDesk(office_core, store, clock=lambda: WEEKDAY_NOON)
    aiko = await store.add_advisor("aiko", "h1")
    cid = (await desk.handle(said("talk to a human please"))).conversation.id
    await desk.claim(cid, aiko)
    await store.close()

    store = SQLiteStore(path)                     # a new process
    await store.open()
    desk = HelpDesk(office_core, store, clock=lambda: WEEKDAY_NOON)
    handled = await desk.handle(said("How long can a technical intern stay?"))
    assert handled.reply.silent
    await store.close()


async def test_a_redelivered_message_is_answered_once(desk: HelpDesk, outbox: Outbox, recorder: Recorder) -> None:
    first = await desk.handle(said("hello", message_id="evt-1"))
    again = await desk.handle(said("hello", message_id="evt-1"))
    assert first is not None and again is None
    await outbox.drain()
    assert len(recorder.sent) == 1


async def test_delivery_is_retried_in_order_and_given_up_when_permanent(desk: HelpDesk, recorder: Recorder) -> None:
    outbox = Outbox(desk.store, {"test": recorder}, max_attempts=3)
    await desk.handle(said("hello"))
    await desk.handle(said("thanks"))
    recorder.failures = [DeliveryError("HTTP 429", retry_after=0.0)]
    assert await outbox.deliver_due() == 1
    assert recorder.sent == []
    # the first reply waits for its backoff; the second is not sent before it
    assert await outbox.deliver_due() == 0
    store = desk.store
    store._clock = lambda: 9e12                    # a long time later
    await outbox.drain()
    assert [m.lang for m in recorder.sent] == ["en", "en"]
    assert recorder.sent[0].text.startswith(desk.core.catalogs.text("en", "greeting.reply")[:20])

    await desk.handle(said("hello", user="blocked"))
    recorder.failures = [DeliveryError("the user blocked the bot", permanent=True)]
    await outbox.drain()
    conversation = await desk.store.conversation_for(said("", user="blocked").key, "blocked")
    assert [m.delivery for m in await desk.store.messages(conversation.id)] == [None, "failed"]


async def test_an_advisor_may_close_a_waiting_request_or_take_over_a_bot_conversation(desk: HelpDesk, outbox: Outbox,
                                                                                      recorder: Recorder) -> None:
    aiko, _ = await advisors(desk)
    waiting = (await desk.handle(said("talk to a human please", user="w"))).conversation.id
    closed = await desk.close(waiting, aiko)                                    # e.g. answered by phone
    assert closed.state.mode is Mode.CLOSED and closed.claimed_by is None

    chatting = (await desk.handle(said("How long can a technical intern stay?", user="b"))).conversation
    assert chatting.state.mode is Mode.BOT
    taken = await desk.claim(chatting.id, aiko)                                 # a follow-up the advisor starts
    assert taken.state.mode is Mode.CLAIMED
    await outbox.drain()
    assert recorder.sent[-1].text == desk.core.catalogs.text("en", "handoff.advisor_joined")
    assert recorder.sent[-1].key.chat_id == "b"
