"""The trained classifier as plain arrays, for fast one-message scoring and a small process.

scikit-learn's `predict_proba` on a single message costs ~12 ms (input validation, three
vectorizers, three calibrated folds × 36 per-class sigmoids) and importing it costs ~100 MB;
the same arithmetic on the fitted vocabularies, IDF weights and coefficients takes well under a
millisecond with numpy alone. tests/test_scorer.py checks the result equals scikit-learn's.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .features import char_ngram_words, char_ngrams, words

WORD_CACHE_SIZE = 20_000       # distinct words whose n-gram ids are remembered (about 4 MB)
ANALYZERS: tuple[Callable[[str], list[str]], ...] = (char_ngrams, words, words)
"""One analyzer per block: message characters, message words, concept tokens."""


@dataclass(frozen=True)
class Block:
    vocabulary: dict[str, int]
    idf: np.ndarray
    weight: float
    offset: int


@dataclass
class CompiledScorer:
    classes: tuple[str, ...]
    blocks: tuple[Block, ...]
    weights: np.ndarray        # features × (folds · classes), float32
    intercepts: np.ndarray     # (folds · classes)
    sigmoid_a: np.ndarray      # per-column sigmoid calibration: p = 1 / (1 + exp(a·d + b))
    sigmoid_b: np.ndarray
    folds: int
    _word_ids: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _char_counts(self, doc: str, vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """The known character n-grams of a message and how often each occurs, found word by word:
        n-grams never cross a word, and workers reuse the same few thousand words, so each word is
        cut and looked up once (its ids kept as a small int32 array)."""
        cache = self._word_ids
        parts = []
        for word in doc.split():
            ids = cache.get(word)
            if ids is None:
                if len(cache) >= WORD_CACHE_SIZE:
                    cache.clear()
                found = (vocabulary.get(g) for g in char_ngram_words(word))
                ids = cache[word] = np.array([i for i in found if i is not None], dtype=np.int32)
            parts.append(ids)
        if not parts:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(parts), return_counts=True)

    def _features(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear TF-IDF, l2-normalised per block (what the fitted vectorizers compute)."""
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for analyzer, block, doc in zip(ANALYZERS, self.blocks, docs):
            if analyzer is char_ngrams:
                ids, counts = self._char_counts(doc, block.vocabulary)
            else:
                found = Counter(map(block.vocabulary.get, analyzer(doc)))
                found.pop(None, None)                   # terms the model never saw
                ids = np.fromiter(found.keys(), dtype=np.intp, count=len(found))
                counts = np.fromiter(found.values(), dtype=np.int64, count=len(found))
            if not len(ids):
                continue
            raw = (1.0 + np.log(counts)) * block.idf[ids]
            indices.append(ids + block.offset)
            values.append(raw * (block.weight / math.sqrt(float(raw @ raw))))
        if not indices:
            return np.empty(0, dtype=np.intp), np.empty(0)
        return np.concatenate(indices), np.concatenate(values)

    def probabilities(self, docs: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities for one message given as one document per block."""
        indices, values = self._features(docs)
        decision = self.intercepts.copy()
        if len(indices):
            decision += values.astype(np.float32) @ self.weights[indices]
        proba = 1.0 / (1.0 + np.exp(self.sigmoid_a * decision + self.sigmoid_b))
        n = len(self.classes)
        per_fold = proba.reshape(self.folds, n)
        sums = per_fold.sum(axis=1, keepdims=True)
        per_fold = np.where(sums > 0, per_fold / np.where(sums > 0, sums, 1.0), 1.0 / n)
        return per_fold.mean(axis=0)

    # -- a file per content version, so that a restart does not train again ----------------
    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {
            "classes": np.array(self.classes), "weights": self.weights, "intercepts": self.intercepts,
            "sigmoid_a": self.sigmoid_a, "sigmoid_b": self.sigmoid_b, "folds": np.array(self.folds),
        }
        for k, block in enumerate(self.blocks):
            terms = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
            arrays[f"terms{k}"] = np.array(terms, dtype=str)
            arrays[f"idf{k}"] = block.idf
            arrays[f"meta{k}"] = np.array([block.weight, block.offset])
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")   # processes may start together
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "CompiledScorer":
        with np.load(path, allow_pickle=False) as data:
            blocks = []
            for k in range(len(ANALYZERS)):
                terms = data[f"terms{k}"].tolist()
                weight, offset = data[f"meta{k}"].tolist()
                blocks.append(Block({t: i for i, t in enumerate(terms)}, data[f"idf{k}"], float(weight), int(offset)))
            return cls(tuple(str(c) for c in data["classes"].tolist()), tuple(blocks), data["weights"],
                       data["intercepts"], data["sigmoid_a"], data["sigmoid_b"], int(data["folds"]))
