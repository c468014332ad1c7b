"""Sparse features of a normalised text: character n-grams, words and concept tokens.

Character n-grams make the matcher indifferent to spacing (Thai, Burmese, Chinese) and to
typos; concept tokens carry meaning across languages.
"""

from __future__ import annotations

import math
from collections import Counter

from ..language.scripts import script_of

NGRAM_SIZES = (2, 3, 4)

Vector = dict[str, float]


def ngram_counts(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    padded = f" {text} "
    for n in NGRAM_SIZES:
        for i in range(len(padded) - n + 1):
            gram = padded[i:i + n]
            if not gram.isspace():
                grams[gram] += 1
    for ch in text:
        if script_of(ch) == "han":          # one Chinese character is often a whole word
            grams[ch] += 1
    for word in text.split():
        if len(word) > 2 and script_of(word[0]) == "latin":
            grams["w:" + word] += 1
    return grams


def weigh(counts: Counter[str], idf: dict[str, float], unknown_idf: float) -> Vector:
    """Sublinear tf × idf, L2-normalised. Unknown features still count towards the norm, so a
    message full of words the bot has never seen scores low everywhere."""
    vec = {f: (1.0 + math.log(c)) * idf.get(f, unknown_idf) for f, c in counts.items()}
    return normalise(vec)


def normalise(vec: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {f: v / norm for f, v in vec.items()} if norm else {}


def dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def centroid(vectors: list[Vector]) -> Vector:
    total: Counter[str] = Counter()
    for vec in vectors:
        total.update(vec)
    return normalise(dict(total))
