"""Scores the bot on labelled messages (the dev-set format) for the `eval` command and CI gate.

Every message is a fresh conversation with no platform hint: the set measures understanding of
one message, not of a dialogue.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .conversation import ConversationState
from .core import Core
from .dialogue import respond
from .messages import IncomingMessage
from .understanding.match import SAFETY_ORDER, URGENT


@dataclass(frozen=True)
class Case:
    text: str
    lang: str
    intent: str
    style: str
    source: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    intent: str
    lang: str
    urgent: bool
    confidence: float


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class Scores:
    intent: Tally = field(default_factory=Tally)
    language: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_style: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    out_of_scope_answered: Tally = field(default_factory=Tally)
    safety: Tally = field(default_factory=Tally)
    false_alarm: Tally = field(default_factory=Tally)      # "right" = an alarm the message did not call for
    errors: list[Outcome] = field(default_factory=list)


ALARMS = frozenset(SAFETY_ORDER)     # abuse, emergency, a request for a person: each alerts someone


def read_cases(paths: Iterable[Path]) -> list[Case]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    cases = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                cases.append(Case(row["text"], row["lang"], row["intent"], row.get("style", "plain"), f"{file.name}:{number}"))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{file}:{number}: not a dev-set line ({exc})") from exc
    return cases


def run_case(core: Core, case: Case) -> Outcome:
    message = IncomingMessage(channel="eval", user_id="eval", chat_id="eval", text=case.text)
    reply = respond(core, message, ConversationState()).reply
    return Outcome(case, reply.intent, reply.lang, reply.urgent, reply.confidence)


def score(core: Core, cases: list[Case]) -> Scores:
    scores = Scores()
    for case in cases:
        out = run_case(core, case)
        ok = out.intent == case.intent
        scores.intent.add(ok)
        scores.by_lang[_lang_group(case.lang)].add(ok)
        scores.by_style[case.style].add(ok)
        scores.language.add(out.lang == case.lang)
        if case.intent == "fallback":
            scores.out_of_scope_answered.add(core.catalogue.get(out.intent) in ("fact", "safety"))
        if case.intent in URGENT:
            scores.safety.add(out.urgent)
        elif case.intent not in ALARMS:
            scores.false_alarm.add(out.intent in ALARMS)
        if not ok or out.lang != case.lang:
            scores.errors.append(out)
    return scores


def _lang_group(lang: str) -> str:
    return "zh" if lang.startswith("zh") else lang


def report(scores: Scores, show_errors: bool = False) -> str:
    lines = [
        f"intent accuracy     {scores.intent.rate:6.1%}  ({scores.intent.right}/{scores.intent.total})",
        f"reply language      {scores.language.rate:6.1%}  ({scores.language.right}/{scores.language.total})",
        f"out-of-scope → fact {scores.out_of_scope_answered.rate:6.1%}  ({scores.out_of_scope_answered.right}/{scores.out_of_scope_answered.total})",
        f"safety recall       {scores.safety.rate:6.1%}  ({scores.safety.right}/{scores.safety.total})",
        f"false alarms        {scores.false_alarm.rate:6.1%}  ({scores.false_alarm.right}/{scores.false_alarm.total})",
        "",
        "per language:",
    ]
    lines += [f"  {k:8} {t.rate:6.1%}  ({t.right}/{t.total})" for k, t in sorted(scores.by_lang.items())]
    lines.append("per style:")
    lines += [f"  {k:14} {t.rate:6.1%}  ({t.right}/{t.total})" for k, t in sorted(scores.by_style.items())]
    if show_errors:
        lines.append("errors:")
        for e in scores.errors:
            lines.append(f"  {e.case.source} want {e.case.intent}/{e.case.lang} got {e.intent}/{e.lang} "
                         f"({e.confidence:.2f}): {e.case.text}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Gate:
    min_accuracy: float = 0.0
    min_language_accuracy: float = 0.0      # the worst language's intent accuracy
    max_out_of_scope_answered: float = 1.0
    min_safety_recall: float = 0.0
    min_style_accuracy: float = 0.0         # the worst style's (long, no-diacritics, zawgyi …)
    min_reply_language: float = 0.0         # replies in the language the message was written in
    max_false_alarms: float = 1.0           # other messages sent to the abuse, emergency or handoff answer

    def failures(self, scores: Scores) -> list[str]:
        failed = []
        if scores.intent.rate < self.min_accuracy:
            failed.append(f"intent accuracy {scores.intent.rate:.1%} < {self.min_accuracy:.0%}")
        for lang, tally in sorted(scores.by_lang.items()):
            if tally.rate < self.min_language_accuracy:
                failed.append(f"{lang} accuracy {tally.rate:.1%} < {self.min_language_accuracy:.0%}")
        for style, tally in sorted(scores.by_style.items()):
            if tally.rate < self.min_style_accuracy:
                failed.append(f"{style} style accuracy {tally.rate:.1%} < {self.min_style_accuracy:.0%}")
        if scores.language.rate < self.min_reply_language:
            failed.append(f"reply language {scores.language.rate:.1%} < {self.min_reply_language:.0%}")
        if scores.false_alarm.rate > self.max_false_alarms:
            failed.append(f"false alarms {scores.false_alarm.rate:.1%} > {self.max_false_alarms:.0%}")
        if scores.out_of_scope_answered.rate > self.max_out_of_scope_answered:
            failed.append(f"out-of-scope answered {scores.out_of_scope_answered.rate:.1%} > {self.max_out_of_scope_answered:.0%}")
        if scores.safety.total and scores.safety.rate < self.min_safety_recall:
            failed.append(f"safety recall {scores.safety.rate:.1%} < {self.min_safety_recall:.0%}")
        return failed
