"""Training with scikit-learn: TF-IDF blocks, a linear SVM, sigmoid calibration (3-fold).

Imported only when no cached model matches the content, so a serving process that finds its
cache never loads scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from .features import char_ngrams
from .params import BLOCK_WEIGHTS, CALIBRATION_FOLDS, CHAR_MIN_DF, SVM_C
from .scorer import ANALYZERS, Block, CompiledScorer



class Trainer:
    def __init__(self) -> None:
        self.vectorizers = [TfidfVectorizer(analyzer=a, sublinear_tf=True, dtype=np.float32,
                                            min_df=CHAR_MIN_DF if a is char_ngrams else 1) for a in ANALYZERS]
        self.classifier: CalibratedClassifierCV | None = None

    def matrix(self, docs: Sequence[Sequence[str]], fit: bool = False) -> csr_matrix:
        columns = list(zip(*docs))
        parts = []
        for vectorizer, weight, column in zip(self.vectorizers, BLOCK_WEIGHTS, columns):
            part = vectorizer.fit_transform(column) if fit else vectorizer.transform(column)
            parts.append(part * weight)
        return hstack(parts).tocsr()

    def fit(self, docs: Sequence[Sequence[str]], labels: Sequence[str]) -> CompiledScorer:
        matrix = self.matrix(docs, fit=True)
        svm = LinearSVC(C=SVM_C, random_state=0)
        self.classifier = CalibratedClassifierCV(svm, cv=CALIBRATION_FOLDS, method="sigmoid").fit(matrix, list(labels))
        return self.compile()

    def compile(self) -> CompiledScorer:
        assert self.classifier is not None
        classes = tuple(str(c) for c in self.classifier.classes_)
        blocks, offset = [], 0
        for vectorizer, weight in zip(self.vectorizers, BLOCK_WEIGHTS):
            vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
            blocks.append(Block(vocabulary, vectorizer.idf_.astype(np.float64), weight, offset))
            offset += len(vocabulary)
        folds = self.classifier.calibrated_classifiers_
        n = len(classes)
        weights = np.zeros((offset, n * len(folds)), dtype=np.float32)
        intercepts, a, b = (np.zeros(n * len(folds)) for _ in range(3))
        for f, fold in enumerate(folds):
            estimator = fold.estimator
            columns = [classes.index(str(c)) + f * n for c in estimator.classes_]
            if len(columns) != n or len(fold.calibrators) != n:
                raise ValueError("every calibration fold must see every class")
            weights[:, columns] = estimator.coef_.T
            intercepts[columns] = estimator.intercept_
            a[columns] = [c.a_ for c in fold.calibrators]
            b[columns] = [c.b_ for c in fold.calibrators]
        return CompiledScorer(classes, tuple(blocks), weights, intercepts, a, b, len(folds))
