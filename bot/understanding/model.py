"""The intent classifier, trained once at start from intents/.

A linear SVM over TF-IDF features (scikit-learn) generalises better to unseen phrasings than
nearest-example matching did (held-out accuracy on intents/ 90.5% vs 86%, out-of-scope answered
5–17% vs 21%; see benchmarks/crossval.py). Features: character n-grams within words (indifferent
to missing spaces in Thai and Burmese, and to typos), whole words, and concept tokens, which are
shared by every language. Sigmoid calibration (3-fold) turns margins into probabilities, so the
confidence a reply carries means what it says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from ..language.normalize import Normalizer
from .data import IntentData
from .lexicon import ConceptLexicon

OUT_OF_SCOPE = "fallback"
CONCEPT_WEIGHT = 1.0
WORD_WEIGHT = 0.5


@dataclass(frozen=True)
class Analysis:
    """A message as the classifier sees it."""

    folded: str
    concepts: frozenset[str]


def _concept_tokens(text: str) -> list[str]:
    return text.split()


class IntentModel:
    def __init__(self, normalizer: Normalizer, lexicon: ConceptLexicon, safety_triggers: dict[str, str],
                 safety_rules: dict[str, list[frozenset[str]]] | None = None) -> None:
        self.normalizer = normalizer
        self.lexicon = lexicon
        self.safety_triggers = safety_triggers          # concept id -> intent id
        self.safety_rules = safety_rules or {}          # intent id -> combinations of cue concepts
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, dtype=np.float32)
        self._words = TfidfVectorizer(analyzer=_concept_tokens, sublinear_tf=True, dtype=np.float32)
        self._concepts = TfidfVectorizer(analyzer=_concept_tokens, sublinear_tf=True, dtype=np.float32)
        self._classifier: CalibratedClassifierCV | None = None
        self.classes: tuple[str, ...] = ()
        self.examples = 0

    def analyse(self, text: str) -> Analysis:
        folded = self.normalizer.for_matching(text)
        return Analysis(folded, frozenset(self.lexicon.concepts(folded)))

    def _matrix(self, docs: list[Analysis], fit: bool = False) -> csr_matrix:
        folded = [d.folded for d in docs]
        concepts = [" ".join(sorted(d.concepts)) for d in docs]
        if fit:
            parts = [self._chars.fit_transform(folded), self._words.fit_transform(folded),
                     self._concepts.fit_transform(concepts)]
        else:
            parts = [self._chars.transform(folded), self._words.transform(folded), self._concepts.transform(concepts)]
        return hstack([parts[0], parts[1] * WORD_WEIGHT, parts[2] * CONCEPT_WEIGHT]).tocsr()

    def fit(self, docs: list[Analysis], labels: list[str]) -> "IntentModel":
        matrix = self._matrix(docs, fit=True)
        svm = LinearSVC(C=1.0, random_state=0)
        self._classifier = CalibratedClassifierCV(svm, cv=3, method="sigmoid").fit(matrix, labels)
        self.classes = tuple(str(c) for c in self._classifier.classes_)
        self.examples = len(docs)
        return self

    def safety_intents(self, concepts: frozenset[str]) -> set[str]:
        """Intents that a safety trigger or a combination of safety cues in the message demands."""
        found = {self.safety_triggers[c] for c in concepts if c in self.safety_triggers}
        found.update(i for i, combos in self.safety_rules.items() if any(combo <= concepts for combo in combos))
        return found

    def probabilities(self, analysis: Analysis) -> dict[str, float]:
        if self._classifier is None:
            raise RuntimeError("the model is not trained")
        row = self._classifier.predict_proba(self._matrix([analysis]))[0]
        return dict(zip(self.classes, (float(p) for p in row)))


def train_model(data: IntentData, normalizer: Normalizer) -> IntentModel:
    lexicon = ConceptLexicon(_normalised_forms(data, normalizer))
    triggers = {c.id: c.intent for c in data.concepts.values() if c.kind == "safety" and c.intent}
    model = IntentModel(normalizer, lexicon, triggers, data.safety_rules)
    docs: list[Analysis] = []
    labels: list[str] = []
    for lang_data in data.languages.values():
        labelled = [(i, e) for i, examples in lang_data.intents.items() for e in examples]
        labelled += [(OUT_OF_SCOPE, e) for e in lang_data.out_of_scope]
        for intent, text in labelled:
            docs.append(model.analyse(text))
            labels.append(intent)
    return model.fit(docs, labels)


def _normalised_forms(data: IntentData, normalizer: Normalizer) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for form, concepts in data.all_forms().items():
        folded = normalizer.for_matching(form)
        if folded:
            forms.setdefault(folded, set()).update(concepts)
    return forms
