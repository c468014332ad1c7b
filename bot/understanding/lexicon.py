"""Finds concept forms in a normalised message.

Concepts are what lets a message count the same in every language: 特定技能, tokutei ginou,
SSW and kỹ năng đặc định all become the token `ssw`. Latin-script forms match whole words;
Thai, Burmese, Chinese and Korean forms match anywhere, because those languages do not put
spaces (or put particles) where English would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..language.scripts import script_of


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    concepts: frozenset[str]


def _bounded(ch: str) -> bool:
    """Latin letters and digits need word boundaries; other scripts match anywhere."""
    if ch.isascii():
        return ch.isalnum()
    return ch.isdigit() or script_of(ch) == "latin"


class ConceptLexicon:
    def __init__(self, forms: dict[str, set[str]], negations: Iterable[str] = (),
                 guarded: frozenset[str] = frozenset(), negations_after: Iterable[str] = ()) -> None:
        """`forms` maps an already normalised surface form to its concept ids. A `guarded`
        concept does not count where one of the (normalised) `negations` comes right before its
        form, or one of `negations_after` right after it: "no violence", "nobody hits me",
        "không bị đánh", "폭행은 없어요" reassure, they do not report."""
        self._forms = {f: frozenset(c) for f, c in forms.items() if f}
        self._negations = tuple(sorted({n for n in negations if n}, key=len, reverse=True))
        self._negations_after = tuple(sorted({n for n in negations_after if n}, key=len, reverse=True))
        self._guarded = guarded
        # first character -> the lengths of the forms starting with it, longest first: most
        # positions of a message start no form at all and cost one lookup
        starts: dict[str, set[int]] = {}
        for f in self._forms:
            starts.setdefault(f[0], set()).add(len(f))
        self._starts = {ch: tuple(sorted(lengths, reverse=True)) for ch, lengths in starts.items()}

    def __len__(self) -> int:
        return len(self._forms)

    def spans(self, text: str) -> list[Span]:
        """Greedy longest-first matches, non-overlapping, left to right."""
        found: list[Span] = []
        bounded = [_bounded(ch) for ch in text]
        i, n = 0, len(text)
        while i < n:
            lengths = self._starts.get(text[i])
            if lengths is None or (i > 0 and bounded[i] and bounded[i - 1]):
                i += 1
                continue
            for length in lengths:
                end = i + length
                if end > n:
                    continue
                concepts = self._forms.get(text[i:end])
                if concepts is None:
                    continue
                if bounded[end - 1] and end < n and bounded[end]:
                    continue
                found.append(Span(i, end, concepts))
                i = end
                break
            else:
                i += 1
        return found

    def concepts(self, text: str) -> set[str]:
        found: set[str] = set()
        for span in self.spans(text):
            concepts = span.concepts
            if concepts & self._guarded and self._negated(text, span.start, span.end):
                concepts = concepts - self._guarded
            found |= concepts
        return found

    def _negated(self, text: str, start: int, end: int) -> bool:
        """A negation ends right before `start` or begins right after `end` (spaces between, nothing else)."""
        before = text[:start].rstrip()
        for negation in self._negations:
            if before.endswith(negation):
                i = len(before) - len(negation)
                if i == 0 or not (_bounded(before[i - 1]) and _bounded(negation[0])):
                    return True
        after = text[end:].lstrip()
        for negation in self._negations_after:
            if after.startswith(negation):
                i = len(negation)
                if i == len(after) or not (_bounded(after[i]) and _bounded(negation[-1])):
                    return True
        return False

    def strip(self, text: str) -> str:
        """The text with every matched form removed (used to ignore Japanese terms)."""
        out, last = [], 0
        for span in self.spans(text):
            out.append(text[last:span.start])
            last = span.end
        out.append(text[last:])
        return " ".join("".join(out).split())
