"""The blind test sets stay blind: none of their messages may be a training example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import Settings
from bot.language.normalize import fold
from bot.understanding.data import load_intent_data

MIN_CHARS = 30
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize(("name", "size"), [("heldout", 540), ("blind", 540), ("long", 360)])
def test_no_blind_set_message_is_an_example_in_intents(name: str, size: int) -> None:
    data = load_intent_data(Settings().intents_dir)
    examples = {fold(e) for d in data.languages.values() for ex in d.intents.values() for e in ex}
    examples |= {fold(e) for d in data.languages.values() for e in d.out_of_scope}
    rows = [json.loads(line) for path in sorted((BENCHMARKS / name).glob("*.jsonl"))
            for line in path.open(encoding="utf-8")]
    assert len(rows) == size
    # short ones coincide by nature ("สวัสดีครับ", "what can u do"): written independently, the same
    leaked = [r["text"] for r in rows if len(r["text"]) >= MIN_CHARS and fold(r["text"]) in examples]
    assert leaked == []
    assert sum(len(r["text"]) >= MIN_CHARS for r in rows) > 0.7 * size
