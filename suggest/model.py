"""Character and character-pair TF-IDF and a multinomial logistic regression over the leaf categories (and the
"not a case" answers), with its scores calibrated by one temperature fitted on cross-validated
predictions. A class's score is the sum of its leaves', a kind's the sum of its classes'.

The artefact is data, not a pickle: the vocabulary, the idf, the weights quantised to int8 per
label, the intercepts, the labels and the temperature, in one compressed .npz (data/model.npz,
a few MB, versioned in the repository). Any scikit-learn reads it back, and nothing in it runs.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .corpus import Labelled

# scikit-learn and scipy are imported where they are used: a process that never suggests (a
# worker, a management command) does not load them.

ARTEFACT = Path(__file__).parent / "data" / "model.npz"
# Chosen by 3-fold cross-validation on the training part (never the held-out set): characters
# and pairs of characters beat triples; little regularisation, for short texts and many labels.
MAX_FEATURES = 30_000
NGRAMS = (1, 2)
C = 300.0
CORRECTION_WEIGHT = 5.0  # a report staff recategorised counts as five corpus texts
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")


def normalised(text: str) -> str:
    """Lower case, every number as 0 (a house number says nothing of the category), any run of
    spaces or line breaks as one space, at most 500 characters (the problem is said first; a
    10,000-character text costs no more)."""
    return SPACES.sub(" ", DIGITS.sub("0", text[:2000].lower()))[:500]


def _vectorizer(**fixed):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char",
        ngram_range=NGRAMS,
        preprocessor=normalised,
        sublinear_tf=True,
        max_features=MAX_FEATURES,
        dtype=np.float32,
        **fixed,
    )


@dataclass
class Model:
    labels: list[str]
    vocabulary: list[str]
    idf: np.ndarray
    weights: np.ndarray  # (labels, features) float32
    intercept: np.ndarray
    temperature: float
    version: str

    def __post_init__(self):
        self._vectorizer = _vectorizer(vocabulary={g: i for i, g in enumerate(self.vocabulary)})
        self._vectorizer.idf_ = self.idf

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(texts, labels): each text's calibrated probability of each label."""
        features = self._vectorizer.transform(texts)
        scores = np.asarray(features @ self.weights.T + self.intercept) / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exponentials = np.exp(scores)
        return exponentials / exponentials.sum(axis=1, keepdims=True)


def _temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that makes cross-validated scores best calibrated (least log loss)."""
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    def loss(t: float) -> float:
        return -log_softmax(scores / t, axis=1)[np.arange(len(truth)), truth].mean()

    return float(minimize_scalar(loss, bounds=(0.05, 20), method="bounded").x)


def fit(examples: list[Labelled], *, folds: int = 3, seed: int = 7) -> Model:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    texts = [example.text for example in examples]
    labels = sorted({example.code for example in examples})
    index = {label: number for number, label in enumerate(labels)}
    truth = np.array([index[example.code] for example in examples])
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=C, max_iter=3000)
    smallest = np.bincount(truth).min()
    scores = cross_val_predict(
        classifier,
        features,
        truth,
        cv=StratifiedKFold(min(folds, smallest), shuffle=True, random_state=seed),
        method="decision_function",
    )
    temperature = _temperature(scores, truth)
    weights = [CORRECTION_WEIGHT if e.voice == "correction" else 1.0 for e in examples]
    classifier.fit(features, truth, sample_weight=weights)
    vocabulary = [""] * len(vectorizer.vocabulary_)
    for gram, number in vectorizer.vocabulary_.items():
        vocabulary[number] = gram
    digest = hashlib.sha256("\n".join(f"{e.code}\t{e.text}" for e in examples).encode()).hexdigest()
    return Model(
        labels=labels,
        vocabulary=vocabulary,
        idf=vectorizer.idf_.astype(np.float32),
        weights=_quantised(classifier.coef_.astype(np.float32)),
        intercept=classifier.intercept_.astype(np.float32),
        temperature=temperature,
        version=digest[:12],
    )


def _quantised(weights: np.ndarray) -> np.ndarray:
    """The weights as they will be read back from int8 (so what is measured is what ships)."""
    scale = np.abs(weights).max(axis=1, keepdims=True) / 127
    scale[scale == 0] = 1
    return (np.round(weights / scale).astype(np.int8) * scale).astype(np.float32)


def save(model: Model, path: Path = ARTEFACT) -> None:
    scale = np.abs(model.weights).max(axis=1, keepdims=True) / 127
    scale[scale == 0] = 1
    meta = {"labels": model.labels, "temperature": model.temperature, "version": model.version}
    np.savez_compressed(
        path,
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
        vocabulary=np.frombuffer("\n".join(model.vocabulary).encode(), dtype=np.uint8),
        idf=model.idf,
        weights=np.round(model.weights / scale).astype(np.int8),
        scale=scale.astype(np.float32),
        intercept=model.intercept,
    )


def load(path: Path = ARTEFACT) -> Model:
    with np.load(path) as stored:
        meta = json.loads(stored["meta"].tobytes().decode())
        return Model(
            labels=meta["labels"],
            vocabulary=stored["vocabulary"].tobytes().decode().split("\n"),
            idf=stored["idf"],
            weights=stored["weights"].astype(np.float32) * stored["scale"],
            intercept=stored["intercept"],
            temperature=meta["temperature"],
            version=meta["version"],
        )
