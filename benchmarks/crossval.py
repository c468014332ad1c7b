"""Held-out accuracy of the matcher on intents/ itself, for choosing MatchSettings.

Tuning on the public dev set would fit the yardstick; instead every fifth example phrasing
(chosen by a stable hash) is held out, the index is built from the rest, and each candidate
setting is scored on the held-out part. Prints one line per setting.

    python benchmarks/crossval.py [--fold K] [--grid]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import zlib
from dataclasses import replace

from bot.config import Settings
from bot.language.normalize import Normalizer
from bot.understanding.data import IntentData, LanguageData, load_intent_data
from bot.understanding.model import OUT_OF_SCOPE, build_model
from bot.understanding.match import Matcher, MatchSettings

FOLDS = 5
LONG_CHARS = 100            # "long" messages: several sentences of context before the question


def held_out(text: str, fold: int) -> bool:
    return zlib.crc32(text.encode()) % FOLDS == fold


def split(data: IntentData, fold: int) -> tuple[IntentData, list[tuple[str, str, str]]]:
    train: dict[str, LanguageData] = {}
    test: list[tuple[str, str, str]] = []
    for lang, d in data.languages.items():
        kept = LanguageData(lang, d.concepts)
        for intent, examples in d.intents.items():
            kept.intents[intent] = [e for e in examples if not held_out(e, fold)]
            test += [(lang, intent, e) for e in examples if held_out(e, fold)]
        kept.out_of_scope = [e for e in d.out_of_scope if not held_out(e, fold)]
        test += [(lang, OUT_OF_SCOPE, e) for e in d.out_of_scope if held_out(e, fold)]
        train[lang] = kept
    return IntentData(data.concepts, train), test


def evaluate(matcher: Matcher, test: list[tuple[str, str, str]]) -> str:
    right = oos_total = oos_answered = safety_total = safety_hit = false_urgent = long_right = 0
    per_lang: dict[str, list[int]] = {}
    for lang, intent, text in test:
        got = matcher.match(text).intent
        ok = got == intent
        right += ok
        long_right += ok and len(text) >= LONG_CHARS
        per_lang.setdefault(lang, [0, 0])
        per_lang[lang][0] += ok
        per_lang[lang][1] += 1
        if intent == OUT_OF_SCOPE:
            oos_total += 1
            oos_answered += got != OUT_OF_SCOPE
        if intent in ("help.abuse", "help.emergency"):
            safety_total += 1
            safety_hit += got == intent
        elif got in ("help.abuse", "help.emergency"):
            false_urgent += 1
    langs = " ".join(f"{l}={r / t:.0%}" for l, (r, t) in sorted(per_lang.items()))
    long_total = sum(1 for _, _, t in test if len(t) >= LONG_CHARS)
    return (f"acc {right / len(test):.1%}  long {long_right / max(1, long_total):.1%} ({long_total})  "
            f"oos-answered {oos_answered / max(1, oos_total):.1%}  "
            f"safety {safety_hit / max(1, safety_total):.1%}  false-urgent {false_urgent}  [{langs}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--grid", action="store_true", help="try a grid of settings")
    parser.add_argument("--focus", action="store_true", help="try weights for the last sentence of long messages")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)

    data = load_intent_data(Settings().intents_dir)
    train, test = split(data, args.fold)
    model = build_model(train, Normalizer())
    base = MatchSettings()
    print(f"held out {len(test)} examples (fold {args.fold})")
    print(f"default  {evaluate(Matcher(model, base), test)}")
    if args.focus:
        for weight in (0.3, 0.5, 0.7):
            settings = replace(base, focus_weight=weight)
            print(f"focus={weight}  {evaluate(Matcher(model, settings), test)}")
    if args.grid:
        for threshold, scope in itertools.product((0.2, 0.25), (0.0, 0.1, 0.2, 0.3)):
            settings = replace(base, threshold=threshold, in_scope_margin=scope)
            print(f"thr={threshold} in-scope={scope}  {evaluate(Matcher(model, settings), test)}")


if __name__ == "__main__":
    main()
