"""Per-message time and peak memory of understanding one message.

Runs every example phrasing in intents/ (all languages; a message shape the bot sees every day)
through language detection + matching, and through the whole dialogue, and prints median and
p99 latency and the process's peak resident memory. Targets on the 2-core reference machine:
median <= 2 ms, p99 <= 10 ms, under 200 MB resident.

    python benchmarks/matcher.py [--rounds N]
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import time

from bot.config import Settings
from bot.conversation import ConversationState
from bot.core import load_core
from bot.dialogue import respond
from bot.messages import IncomingMessage
from bot.understanding.data import load_intent_data


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # content gaps are kb check's business, not the benchmark's

    settings = Settings()
    t0 = time.perf_counter()
    core = load_core(settings)
    load_s = time.perf_counter() - t0
    data = load_intent_data(settings.intents_dir)
    texts = [e for d in data.languages.values() for ex in d.intents.values() for e in ex]
    texts += [e for d in data.languages.values() for e in d.out_of_scope]

    match_ms: list[float] = []
    turn_ms: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            t = time.perf_counter()
            core.detector.detect(text)
            core.matcher.match(text)
            match_ms.append((time.perf_counter() - t) * 1000)
            message = IncomingMessage("bench", "u", "u", text)
            t = time.perf_counter()
            respond(core, message, ConversationState())
            turn_ms.append((time.perf_counter() - t) * 1000)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model = core.matcher.model
    print(f"messages: {len(texts)} x {args.rounds} rounds; model: {model.examples} examples, "
          f"{len(model.lexicon)} concept forms; start-up {load_s:.2f} s")
    print(f"detect+match  median {statistics.median(match_ms):.2f} ms  p99 {percentile(match_ms, 0.99):.2f} ms  "
          f"max {max(match_ms):.2f} ms")
    print(f"whole reply   median {statistics.median(turn_ms):.2f} ms  p99 {percentile(turn_ms, 0.99):.2f} ms  "
          f"max {max(turn_ms):.2f} ms")
    print(f"peak resident memory {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
