"""Character and character-pair TF-IDF and two multinomial logistic regressions: one over the leaf
categories (and the "not a case" answers), one over their classes. Each one's scores are
calibrated by a temperature fitted on cross-validated predictions. A leaf's probability is then
re-weighted by how much more (or less) the class model believes in its class than the leaves
together do, to the power CLASS_EXPONENT; a class's score is the sum of its leaves', a kind's the
sum of its classes'. The class model sees each class's texts together, so it separates classes
whose leaves are each small (docs/suggest.md has the cross-validated figures).

The artefact is data, not a pickle: the vocabulary, the idf, both models' weights quantised to
int8 per label, their intercepts, the labels and the temperatures, in one compressed .npz
(data/model.npz, under 1 MB, versioned in the repository). Any scikit-learn reads it back, and
nothing in it runs.
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
# How far the class model moves the leaves: 0.5 is the geometric mean of the two class scores
# (0.4–0.6 measured alike in cross-validation; 1 trusts the class model alone).
CLASS_EXPONENT = 0.5
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


def class_of(label: str) -> str:
    """E0101 → E01: a leaf's code is its class's and two digits."""
    return label[:3]


@dataclass
class Linear:
    """One multinomial logistic regression: (labels, features) weights, intercepts, temperature."""

    weights: np.ndarray
    intercept: np.ndarray
    temperature: float

    def probabilities(self, features) -> np.ndarray:
        scores = np.asarray(features @ self.weights.T + self.intercept) / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exponentials = np.exp(scores)
        return exponentials / exponentials.sum(axis=1, keepdims=True)


@dataclass
class Model:
    labels: list[str]
    vocabulary: list[str]
    idf: np.ndarray
    leaves: Linear
    classes: Linear | None  # over sorted({class_of(label)}); None with fewer than three classes
    version: str

    def __post_init__(self):
        self._vectorizer = _vectorizer(vocabulary={g: i for i, g in enumerate(self.vocabulary)})
        self._vectorizer.idf_ = self.idf
        class_codes = sorted({class_of(label) for label in self.labels})
        self._class_index = np.array([class_codes.index(class_of(label)) for label in self.labels])
        self._membership = np.zeros((len(self.labels), len(class_codes)), dtype=np.float32)
        self._membership[np.arange(len(self.labels)), self._class_index] = 1

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(texts, labels): each text's calibrated probability of each label."""
        features = self._vectorizer.transform(texts)
        leaves = self.leaves.probabilities(features)
        if self.classes is None:
            return leaves
        believed = self.classes.probabilities(features)
        summed = leaves @ self._membership + 1e-12
        moved = leaves * ((believed / summed) ** CLASS_EXPONENT)[:, self._class_index]
        return moved / moved.sum(axis=1, keepdims=True)


def _temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that makes cross-validated scores best calibrated (least log loss)."""
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    def loss(t: float) -> float:
        return -log_softmax(scores / t, axis=1)[np.arange(len(truth)), truth].mean()

    return float(minimize_scalar(loss, bounds=(0.05, 20), method="bounded").x)


def _linear(features, truth: np.ndarray, weights: list[float], folds: int, seed: int) -> Linear:
    """A logistic regression on all the examples, its temperature from cross-validated scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

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
    classifier.fit(features, truth, sample_weight=weights)
    return Linear(
        weights=_quantised(classifier.coef_.astype(np.float32)),
        intercept=classifier.intercept_.astype(np.float32),
        temperature=temperature,
    )


def fit(examples: list[Labelled], *, folds: int = 3, seed: int = 7) -> Model:
    texts = [example.text for example in examples]
    labels = sorted({example.code for example in examples})
    truth = np.array([labels.index(example.code) for example in examples])
    class_codes = sorted({class_of(label) for label in labels})
    class_truth = np.array([class_codes.index(class_of(example.code)) for example in examples])
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform(texts)
    weights = [CORRECTION_WEIGHT if e.voice == "correction" else 1.0 for e in examples]
    leaves = _linear(features, truth, weights, folds, seed)
    # Two classes would make a binary model of another shape; a real catalogue has dozens.
    classes = _linear(features, class_truth, weights, folds, seed) if len(class_codes) > 2 else None
    vocabulary = [""] * len(vectorizer.vocabulary_)
    for gram, number in vectorizer.vocabulary_.items():
        vocabulary[number] = gram
    digest = hashlib.sha256("\n".join(f"{e.code}\t{e.text}" for e in examples).encode()).hexdigest()
    return Model(
        labels=labels,
        vocabulary=vocabulary,
        idf=vectorizer.idf_.astype(np.float32),
        leaves=leaves,
        classes=classes,
        version=digest[:12],
    )


def _quantised(weights: np.ndarray) -> np.ndarray:
    """The weights as they will be read back from int8 (so what is measured is what ships)."""
    scale = np.abs(weights).max(axis=1, keepdims=True) / 127
    scale[scale == 0] = 1
    return (np.round(weights / scale).astype(np.int8) * scale).astype(np.float32)


def _int8(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(weights).max(axis=1, keepdims=True) / 127
    scale[scale == 0] = 1
    return np.round(weights / scale).astype(np.int8), scale.astype(np.float32)


def save(model: Model, path: Path = ARTEFACT) -> None:
    meta = {
        "labels": model.labels,
        "temperature": model.leaves.temperature,
        "version": model.version,
    }
    weights, scale = _int8(model.leaves.weights)
    arrays = {"weights": weights, "scale": scale, "intercept": model.leaves.intercept}
    if model.classes is not None:
        meta["class_temperature"] = model.classes.temperature
        class_weights, class_scale = _int8(model.classes.weights)
        arrays |= {
            "class_weights": class_weights,
            "class_scale": class_scale,
            "class_intercept": model.classes.intercept,
        }
    np.savez_compressed(
        path,
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
        vocabulary=np.frombuffer("\n".join(model.vocabulary).encode(), dtype=np.uint8),
        idf=model.idf,
        **arrays,
    )


def load(path: Path = ARTEFACT) -> Model:
    with np.load(path) as stored:
        meta = json.loads(stored["meta"].tobytes().decode())
        classes = None
        if "class_weights" in stored:
            classes = Linear(
                weights=stored["class_weights"].astype(np.float32) * stored["class_scale"],
                intercept=stored["class_intercept"],
                temperature=meta["class_temperature"],
            )
        return Model(
            labels=meta["labels"],
            vocabulary=stored["vocabulary"].tobytes().decode().split("\n"),
            idf=stored["idf"],
            leaves=Linear(
                weights=stored["weights"].astype(np.float32) * stored["scale"],
                intercept=stored["intercept"],
                temperature=meta["temperature"],
            ),
            classes=classes,
            version=meta["version"],
        )
