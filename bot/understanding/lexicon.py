"""Finds concept forms in a normalised message.

Concepts are what lets a message count the same in every language: 特定技能, tokutei ginou,
SSW and kỹ năng đặc định all become the token `ssw`. Latin-script forms match whole words;
Thai, Burmese, Chinese and Korean forms match anywhere, because those languages do not put
spaces (or put particles) where English would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from ..language.scripts import script_of


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    concepts: frozenset[str]


TYPO_MIN_CHARS = 7                     # shorter words have too many real neighbours
_WORD = re.compile(r"[^\W\d_]+")


def words_of(text: str) -> list[str]:
    """The runs of letters in a normalised text (what typo tolerance compares)."""
    return _WORD.findall(text)


def _one_deleted(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _bounded(ch: str) -> bool:
    """Latin letters and digits need word boundaries; other scripts match anywhere."""
    if ch.isascii():
        return ch.isalnum()
    return ch.isdigit() or script_of(ch) == "latin"


class ConceptLexicon:
    def __init__(self, forms: dict[str, set[str]], negations: Iterable[str] = (),
                 guarded: frozenset[str] = frozenset(), negations_after: Iterable[str] = (),
                 typo_tolerant: frozenset[str] = frozenset(), known_words: Iterable[str] = ()) -> None:
        """`forms` maps an already normalised surface form to its concept ids. A `guarded`
        concept does not count where one of the (normalised) `negations` comes right before its
        form, or one of `negations_after` right after it: "no violence", "nobody hits me",
        "không bị đánh", "폭행은 없어요" reassure, they do not report.

        `typo_tolerant` concepts are also found one typo away from a long one-word Latin form
        ("kebakran" for "kebakaran", "ambulence"), in a word that appears in none of the examples
        (`known_words`): a real word one letter from "hitting" ("sitting") is never read as it."""
        self._forms = {f: frozenset(c) for f, c in forms.items() if f}
        self._negations = tuple(sorted({n for n in negations if n}, key=len, reverse=True))
        self._negations_after = tuple(sorted({n for n in negations_after if n}, key=len, reverse=True))
        self._guarded = guarded
        self._known = frozenset(w for w in known_words if len(w) >= TYPO_MIN_CHARS - 1)
        self._typo_concepts_of: dict[str, frozenset[str]] = {}     # long one-word form -> its tolerant concepts
        near: dict[str, set[str]] = {}            # a form, and the form with any one letter left out -> the forms
        for form, concepts in self._forms.items():
            found = concepts & typo_tolerant
            if found and len(form) >= TYPO_MIN_CHARS and " " not in form and all(_bounded(ch) for ch in form):
                self._typo_concepts_of[form] = found
                for variant in _one_deleted(form) | {form}:
                    near.setdefault(variant, set()).add(form)
        self._near = {v: tuple(forms) for v, forms in near.items()}
        self._typo_max_chars = max(map(len, self._typo_concepts_of), default=0) + 1
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

    def inside(self, form: str) -> set[str]:
        """The concepts of every form found inside `form` (overlaps allowed), `form` itself excepted.
        A number starts no inner form: the "1号" of "技能実習1号" belongs to the intern grade.

        The scan of `spans`, keeping every match; written out twice on purpose: a shared generator
        made `spans`, which runs on every message, about 10 % slower (measured)."""
        found: set[str] = set()
        bounded = [_bounded(ch) for ch in form]
        n = len(form)
        for i in range(n):
            if (i > 0 and bounded[i] and bounded[i - 1]) or form[i].isdigit():
                continue
            for length in self._starts.get(form[i], ()):
                end = i + length
                if end > n or (i == 0 and end == n):
                    continue
                concepts = self._forms.get(form[i:end])
                if concepts is not None and not (bounded[end - 1] and end < n and bounded[end]):
                    found |= concepts
        return found

    def concepts(self, text: str) -> set[str]:
        found: set[str] = set()
        spans = self.spans(text)
        for span in spans:
            found |= self._unless_negated(span.concepts, text, span.start, span.end)
        if self._near:
            found |= self._typo_concepts(text, spans)
        return found

    def _typo_concepts(self, text: str, spans: list[Span]) -> set[str]:
        """Concepts of the long one-word forms that an unknown word of `text` is one edit away from
        (a letter missing, added or changed, or two swapped), with the same first letter: people
        rarely mistype the first letter, and real words one letter from a form mostly differ there
        ("painting" is no "fainting"). Candidates come from shared deletions, which also pair some
        words two edits apart ("insatsu", printing, and "jisatsu"): each candidate is checked. A
        negation next to the word guards it as it guards a form ("ninguém maltrata ninguém"). A
        word inside a matched form is no typo: "primeiros socorros" (first aid) is a form of its own."""
        found: set[str] = set()
        covered = [(span.start, span.end) for span in spans]
        for match in _WORD.finditer(text):
            word = match.group()
            if (not TYPO_MIN_CHARS - 1 <= len(word) <= self._typo_max_chars or word in self._known
                    or word in self._forms or not all(_bounded(ch) for ch in word)):
                continue                      # a Thai or Burmese run of a whole sentence is no typo of a form
            if any(start < match.end() and match.start() < end for start, end in covered):
                continue
            for variant in _one_deleted(word) | {word}:
                for form in self._near.get(variant, ()):
                    if form[0] == word[0] and OSA.distance(word, form, score_cutoff=1) <= 1:
                        found |= self._unless_negated(self._typo_concepts_of[form], text, match.start(), match.end())
        return found

    def _unless_negated(self, concepts: frozenset[str], text: str, start: int, end: int) -> frozenset[str]:
        """`concepts` found at text[start:end], without the guarded ones if a negation is next to it."""
        if concepts & self._guarded and self._negated(text, start, end):
            return concepts - self._guarded
        return concepts

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
