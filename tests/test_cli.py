"""The command line as a user runs it: real process, real stdin/stdout."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import Core
from bot.desk import HelpDesk
from bot.store.sqlite import SQLiteStore
from bot.web.auth import token_hash

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture(scope="module")
def jsonl_run() -> list[dict]:
    lines = [
        {"text": "how long can I stay with tokutei ginou 1?"},
        "this is not json",
        {"text": "toi muon hoi ve tokutei ginou", "user": "a"},
        {"text": "ok", "user": "a"},
        {"text": "ok"},
        {"no_text": 1},
        {"text": "SSW?", "lang_hint": "pt"},
        {"text": 5},
    ]
    stdin = "\n".join(l if isinstance(l, str) else json.dumps(l) for l in lines) + "\n\n"
    result = run("ask", "--jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr
    return [json.loads(l) for l in result.stdout.splitlines()]


def test_ask_jsonl_writes_one_line_per_input_line(jsonl_run: list[dict]) -> None:
    assert len(jsonl_run) == 8
    first = jsonl_run[0]
    assert {"lang", "intent", "confidence", "handoff", "urgent", "reply", "choices"} <= set(first)
    assert first["intent"] == "ssw.stay_period"


def test_ask_jsonl_reports_bad_lines_and_goes_on(jsonl_run: list[dict]) -> None:
    assert "error" in jsonl_run[1] and "line 2" in jsonl_run[1]["error"]
    assert "error" in jsonl_run[5]
    assert "error" in jsonl_run[7]


def test_ask_jsonl_same_user_shares_a_conversation(jsonl_run: list[dict]) -> None:
    assert jsonl_run[2]["lang"] == "vi"
    assert jsonl_run[3]["lang"] == "vi"              # "ok" keeps user a's language
    assert jsonl_run[4]["lang"] == "en"              # an independent "ok"
    assert jsonl_run[3]["user"] == "a"


def test_ask_jsonl_uses_the_language_hint(jsonl_run: list[dict]) -> None:
    assert jsonl_run[6]["lang"] == "pt"


def test_ask_prints_the_reply_text() -> None:
    result = run("ask", "when does ikusei shuro start")
    assert result.returncode == 0
    assert "2027" in result.stdout


def test_chat_reads_lines_and_numbers_pick_choices(tmp_path: Path) -> None:
    result = run("chat", stdin="hello\n1\n", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"})
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout                      # choices are numbered
    assert "as of" in result.stdout                    # picking 1 answered a topic


def test_chat_keeps_the_handoff_across_runs_and_shows_the_advisor(tmp_path: Path, core: Core) -> None:
    """The console channel on the shared database: an advisor takes over between two runs."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    first = run("chat", stdin="I want to talk to a real person\n", env=env)
    assert first.returncode == 0, first.stderr

    advisor_token = run("advisors", "add", "aiko", env=env).stdout.strip().splitlines()[-1]
    assert advisor_token.startswith("mdg_")

    async def advisor_takes_over() -> None:
        store = SQLiteStore(tmp_path / "chat.db")
        await store.open()
        desk = HelpDesk(core, store)
        aiko = await store.advisor_by_token(token_hash(advisor_token))
        [entry] = await store.queue()
        await desk.claim(entry.conversation.id, aiko)
        await desk.send(entry.conversation.id, aiko, "Hello, this is Aiko from the help desk.")
        await store.close()

    asyncio.run(advisor_takes_over())
    second = run("chat", stdin="How long can a technical intern stay?\n", env=env)
    assert second.returncode == 0, second.stderr
    assert "Hello, this is Aiko from the help desk." in second.stdout
    assert "as of" not in second.stdout                # the bot did not answer the question


def test_eval_prints_scores_and_gates(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in [
        {"text": "how long can I stay with tokutei ginou 1?", "lang": "en", "intent": "ssw.stay_period", "style": "plain"},
        {"text": "my boss beats me", "lang": "en", "intent": "help.abuse", "style": "short"},
        {"text": "what is the capital of peru", "lang": "en", "intent": "fallback", "style": "plain"},
    ]) + "\n")
    ok = run("eval", str(cases), "--min-accuracy", "0.6", "--min-safety", "1.0")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "intent accuracy" in ok.stdout and "safety recall" in ok.stdout and "per style" in ok.stdout
    failed = run("eval", str(cases), "--min-accuracy", "1.01")
    assert failed.returncode == 1
    assert "GATE FAILED" in failed.stderr


def test_eval_rejects_a_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n')
    result = run("eval", str(bad))
    assert result.returncode == 2 and "bad.jsonl:1" in result.stderr


def test_malformed_configuration_is_named() -> None:
    result = run("ask", "hi", env={"PORT": "eighty"})
    assert result.returncode == 2
    assert "PORT" in result.stderr


def test_the_gate_names_the_weakest_style_and_the_reply_language() -> None:
    from bot.evaluation import Gate, Scores

    scores = Scores()
    for ok in (True, True, True, False):
        scores.intent.add(ok)
        scores.by_style["long" if not ok else "plain"].add(ok)
        scores.language.add(ok)
    failures = Gate(min_style_accuracy=0.9, min_reply_language=0.9).failures(scores)
    assert failures == ["long style accuracy 0.0% < 90%", "reply language 75.0% < 90%"]
    assert Gate(min_style_accuracy=0.0, min_reply_language=0.75).failures(scores) == []


def test_an_alarm_for_an_ordinary_message_counts_as_a_false_alarm(core: Core) -> None:
    from bot.evaluation import Case, Gate, score

    cases = [Case("i want to rent an apartment, they ask for an emergency contact", "en", "fallback", "plain", "t:1"),
             Case("there is a fire in my dormitory", "en", "ssw.fields", "plain", "t:2"),   # mislabelled on purpose
             Case("my boss hits me", "en", "help.abuse", "plain", "t:3")]
    scores = score(core, cases)
    assert (scores.false_alarm.right, scores.false_alarm.total) == (1, 2)   # the fire; abuse is not counted
    assert Gate(max_false_alarms=0.4).failures(scores) == ["false alarms 50.0% > 40%"]
