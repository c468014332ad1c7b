"""Which of the nine languages a message is written in.

Script decides Korean, Thai, Burmese and Chinese at once. Latin-script messages (English,
Vietnamese, Indonesian, Spanish, Portuguese) go to a character n-gram naive Bayes model trained
on intents/, because generic detectors are trained on news prose and misread the short, informal,
accent-less messages workers send ("toi muon doi viec" is Vietnamese, not Tagalog). Japanese
terms (特定技能, tokutei ginou, SSW) are removed first: they say nothing about the language.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..understanding.lexicon import ConceptLexicon
from .normalize import Normalizer
from .scripts import script_counts

LATIN_LANGS = ("en", "vi", "id", "es", "pt")
_SCRIPT_LANG = {"hangul": "ko", "thai": "th", "myanmar": "my"}
_NGRAMS = (1, 2, 3, 4)
WORD_CACHE_SIZE = 20_000    # distinct words whose scores are remembered (about 3 MB)
# letters only Vietnamese uses (â ê ô are Portuguese too), and a few strong signals of others
_VI_LETTERS = set("ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_MARKERS = {"es": set("ñ¿¡"), "pt": set("ãõç")}


@dataclass(frozen=True)
class Detection:
    lang: str           # one of SUPPORTED or "zh-Hans"
    confidence: float   # 0..1: how sure the text alone makes us
    letters: int        # how many letters of evidence were left after removing Japanese terms


def _prep(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _grams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        for n in _NGRAMS:
            if n == 1:
                grams.update(word)          # the padding alone is not a gram
            else:
                grams.update(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


class LatinModel:
    """Multinomial naive Bayes over character n-grams, add-one smoothed."""

    def __init__(self, training: dict[str, list[str]]) -> None:
        counts: dict[str, Counter[str]] = {}
        for lang in LATIN_LANGS:
            c: Counter[str] = Counter()
            for text in training.get(lang, ()):
                c.update(_grams(_prep(text)))
            counts[lang] = c
        vocab = sorted(set().union(*counts.values()))
        v = len(vocab) or 1
        # one row of log probabilities per n-gram (a column per language), and a last row for
        # n-grams never seen: scoring a message is one lookup per n-gram and one dot product
        self._index = {g: i for i, g in enumerate(vocab)}
        self._logp = np.empty((len(vocab) + 1, len(LATIN_LANGS)))
        for col, lang in enumerate(LATIN_LANGS):
            c = counts[lang]
            total = sum(c.values()) + v
            self._logp[:-1, col] = [math.log((c.get(g, 0) + 1) / total) for g in vocab]
            self._logp[-1, col] = math.log(1 / total)
        self._words: dict[str, tuple[np.ndarray, int]] = {}

    def posteriors(self, text: str, prior: dict[str, float] | None = None) -> dict[str, float]:
        scored = [self._word_score(word) for word in text.split()]
        count = sum(n for _, n in scored)
        if not count:
            return {}
        scores = np.sum([s for s, _ in scored], axis=0) / count * 8    # temper: grams are not independent
        logs = {lang: float(score) for lang, score in zip(LATIN_LANGS, scores)}
        if prior:
            for lang in LATIN_LANGS:
                if lang in prior:
                    logs[lang] += math.log(prior[lang])
        top = max(logs.values())
        exp = {k: math.exp(v - top) for k, v in logs.items()}
        total = sum(exp.values())
        return {k: v / total for k, v in exp.items()}

    def _word_score(self, word: str) -> tuple[np.ndarray, int]:
        """A word's summed log probabilities per language and its number of n-grams: a message's
        score is the sum over its words, and workers reuse the same words, so each is scored once."""
        cached = self._words.get(word)
        if cached is None:
            if len(self._words) >= WORD_CACHE_SIZE:
                self._words.clear()
            grams = _grams(word)
            unseen = len(self._logp) - 1
            rows = [self._index.get(g, unseen) for g in grams]
            weights = np.fromiter(grams.values(), dtype=float, count=len(grams))
            cached = self._words[word] = (weights @ self._logp[rows], int(weights.sum()))
        return cached


class LanguageDetector:
    def __init__(self, normalizer: Normalizer, training: dict[str, list[str]], neutral_terms: ConceptLexicon) -> None:
        """`neutral_terms` finds the Japanese terms and acronyms to ignore."""
        self._normalizer = normalizer
        self._model = LatinModel(training)
        self._neutral = neutral_terms

    def _chinese(self, text: str, hint: str | None, letters: int, confidence: float) -> Detection:
        """Simplified or Traditional, judged on the whole text: kanji terms like 技能实习 count too."""
        simp, trad = self._normalizer.simplified_evidence(text)
        if simp != trad:
            return Detection("zh-Hans" if simp > trad else "zh-Hant", confidence, letters)
        return Detection("zh-Hans" if hint == "zh-Hans" else "zh-Hant", min(confidence, 0.6), letters)

    def detect(self, text: str, hint: str | None = None) -> Detection:
        text = self._normalizer.fix_zawgyi(text)
        prepared = _prep(text)
        content = self._neutral.strip(prepared)
        counts = script_counts(content)
        for script, lang in _SCRIPT_LANG.items():
            if counts[script] >= 2 or (counts[script] and counts[script] >= counts["latin"]):
                return Detection(lang, 1.0, counts[script])
        latin, han = counts["latin"], counts["han"]
        if han and han * 2 >= latin:
            return self._chinese(prepared, hint, han, 1.0)
        if latin == 0:
            all_han = script_counts(prepared)["han"]
            if all_han and not script_counts(prepared)["kana"]:
                # only Japanese terms in kanji ("永住？"): most likely a Chinese reader, weakly
                return self._chinese(prepared, hint, 0, 0.5)
            return Detection(hint or "en", 0.0, 0)
        if any(c in _VI_LETTERS for c in content):
            return Detection("vi", 1.0, latin)
        prior = {lang: 3.0 for lang in LATIN_LANGS if lang == hint}
        for lang, marks in _MARKERS.items():
            if any(c in marks for c in content):
                prior[lang] = prior.get(lang, 1.0) * 4.0
        post = self._model.posteriors(content, prior)
        lang = max(post, key=post.__getitem__)
        return Detection(lang, post[lang], latin)
