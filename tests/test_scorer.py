"""The compiled scorer and its cache must give exactly what scikit-learn gives."""

from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.core import Core
from bot.understanding.data import load_intent_data
from bot.understanding.data import IntentData, LanguageData
from bot.understanding.model import build_model, content_hash
from bot.understanding.scorer import CompiledScorer
from bot.understanding.training import Trainer

TEXTS = ["toi muon doi viec tokutei ginou co duoc khong", "how long can i stay with ssw",
         "特定技能可以帶家人嗎", "สวัสดีครับ อยากเปลี่ยนงาน", "", "zzzz qqqq"]


def _small_data(core: Core) -> IntentData:
    """English only, eight examples an intent: enough to train in well under a second."""
    full = load_intent_data(Settings().intents_dir)
    en = full.languages["en"]
    english = LanguageData("en", en.concepts, {i: e[:8] for i, e in en.intents.items()}, en.out_of_scope[:10])
    return IntentData(full.concepts, {"en": english}, full.safety_rules)


def test_compiled_probabilities_equal_scikit_learn(core: Core) -> None:
    data = _small_data(core)
    model = build_model(data, core.normalizer)
    pairs = [(i, e) for i, ex in data.languages["en"].intents.items() for e in ex]
    pairs += [("fallback", e) for e in data.languages["en"].out_of_scope]
    trainer = Trainer()
    scorer = trainer.fit([model.analyse(t).blocks() for _, t in pairs], [i for i, _ in pairs])
    docs = [model.analyse(t).blocks() for t in TEXTS]
    expected = trainer.classifier.predict_proba(trainer.matrix(docs))
    for doc, row in zip(docs, expected):
        assert np.allclose(scorer.probabilities(doc), row, atol=1e-5)


def test_cache_round_trip_and_invalidation(core: Core, tmp_path: Path) -> None:
    data = _small_data(core)
    first = build_model(data, core.normalizer, tmp_path)
    files = list(tmp_path.glob("model-*.npz"))
    assert [f.name for f in files] == [f"model-{content_hash(data)}.npz"]
    loaded = CompiledScorer.load(files[0])
    for text in TEXTS:
        blocks = first.analyse(text).blocks()
        assert np.allclose(loaded.probabilities(blocks), first.scorer.probabilities(blocks))
    data.languages["en"].intents["greeting"].append("yo yo madoguchi")
    build_model(data, core.normalizer, tmp_path)
    assert [f.name for f in tmp_path.glob("model-*.npz")] == [f"model-{content_hash(data)}.npz"] != [f.name for f in files]


def test_a_corrupt_cache_is_retrained(core: Core, tmp_path: Path) -> None:
    data = _small_data(core)
    (tmp_path / f"model-{content_hash(data)}.npz").write_bytes(b"not a zip")
    model = build_model(data, core.normalizer, tmp_path)
    assert model.probabilities(model.analyse("hello"))
