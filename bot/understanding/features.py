"""How a normalised message is cut into features: the same functions at training and scoring.

Kept free of scikit-learn so that a process scoring from a cached model never imports it.
"""

from __future__ import annotations

NGRAM_MIN, NGRAM_MAX = 1, 4


def char_ngrams(text: str) -> list[str]:
    """Character 1–4-grams inside space-padded words (scikit-learn's "char_wb" scheme): no
    spaces are needed in Thai or Burmese, and a typo spoils only the n-grams around it."""
    grams: list[str] = []
    for word in text.split():
        grams += char_ngram_words(word)
    return grams


def char_ngram_words(word: str) -> list[str]:
    """The n-grams of one word: no n-gram crosses a word boundary."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(NGRAM_MIN, NGRAM_MAX + 1):
        if n > len(padded):
            break
        grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


def words(text: str) -> list[str]:
    return text.split()
