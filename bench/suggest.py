"""The category suggester on the project's held-out fifth of its corpus (never trained on), beside
the keyword baseline in the same run: class and leaf top-1 and top-3, the department routing
would pick, "not a case" precision and recall, the pairs most confused, and the time per
suggestion. Reads the repository's artefact (suggest/data/model.npz) as the site does."""

import csv
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from suggest.baseline import KeywordBaseline
from suggest.corpus import NOT_A_CASE, held_out_set, load_corpus, training_set
from suggest.model import load
from suggest.selectors import NOT_A_CASE_FROM, SURE_FROM

from .common import ROOT, percentiles


def categories() -> dict[str, dict]:
    """Every category of the shipped CSVs: its class, name and department (a town's office by
    its code without the town; "" for the town centre's own dispatcher)."""
    found = {}
    for path in sorted(Path(ROOT).glob("*/data/categories.csv")):
        with path.open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        names = {row["code"]: row["name"] for row in rows}
        for row in rows:
            found[row["code"]] = {
                "class": row["parent_code"] or row["code"],
                "words": names.get(row["parent_code"], "") + row["name"],
                "department": row["department"],
            }
    for code in ("N0101", "N0102", "N0103"):  # answered by the centre: no department at all
        found[code] = found.get(code, {"words": ""}) | {"class": NOT_A_CASE, "department": None}
    return found


def class_ranking(labels: list[str], scores, known: dict) -> list[str]:
    totals: dict[str, float] = {}
    for label, score in zip(labels, scores, strict=True):
        totals[known[label]["class"]] = totals.get(known[label]["class"], 0.0) + float(score)
    return sorted(totals, key=lambda name: -totals[name])


def first_classes(ranked: list[str], known: dict) -> list[str]:
    """The classes of ranked labels, each once, in order."""
    seen: list[str] = []
    for label in ranked:
        name = known[label]["class"]
        if name not in seen:
            seen.append(name)
    return seen


def measure(rankings: list[list[str]], classes: list[list[str]], truth, known, not_case) -> dict:
    n = len(truth)
    leaf1 = sum(r[0] == t for r, t in zip(rankings, truth, strict=True))
    leaf3 = sum(t in r[:3] for r, t in zip(rankings, truth, strict=True))
    class1 = sum(c[0] == known[t]["class"] for c, t in zip(classes, truth, strict=True))
    class3 = sum(known[t]["class"] in c[:3] for c, t in zip(classes, truth, strict=True))
    department = sum(
        known[r[0]]["department"] == known[t]["department"]
        for r, t in zip(rankings, truth, strict=True)
    )
    actual = [known[t]["class"] == NOT_A_CASE for t in truth]
    said = sum(not_case)
    right = sum(a and s for a, s in zip(actual, not_case, strict=True))
    confused = Counter(
        (t, r[0]) for r, t in zip(rankings, truth, strict=True) if r[0] != t
    ).most_common(8)
    return {
        "n": n,
        "class_top1": 100 * class1 / n,
        "class_top3": 100 * class3 / n,
        "leaf_top1": 100 * leaf1 / n,
        "leaf_top3": 100 * leaf3 / n,
        "department": 100 * department / n,
        "not_a_case_precision": 100 * right / said if said else None,
        "not_a_case_recall": 100 * right / sum(actual) if sum(actual) else None,
        "confused": [[t, p, count] for (t, p), count in confused],
    }


def main() -> dict:
    examples = load_corpus()
    training, held = training_set(examples), held_out_set(examples)
    known = categories()
    model = load()
    truth = [example.code for example in held]
    texts = [example.text for example in held]

    probabilities = model.probabilities(texts)
    order = np.argsort(-probabilities, axis=1)
    rankings = [[model.labels[i] for i in row] for row in order]
    classes = [class_ranking(model.labels, row, known) for row in probabilities]
    not_case_index = [i for i, label in enumerate(model.labels) if label.startswith(NOT_A_CASE)]
    not_case = list(probabilities[:, not_case_index].sum(axis=1) >= NOT_A_CASE_FROM)
    found = measure(rankings, classes, truth, known, not_case)
    best = probabilities.max(axis=1)
    sure = best >= SURE_FROM
    found["sure_share"] = 100 * float(sure.mean())
    found["sure_leaf_top1"] = 100 * float(
        np.mean([r[0] == t for r, t, s in zip(rankings, truth, sure, strict=True) if s])
    )

    baseline = KeywordBaseline({label: known[label]["words"] for label in model.labels}, training)
    ranked = [baseline.ranked(text) for text in texts]
    base = measure(
        ranked,
        [first_classes(r, known) for r in ranked],
        truth,
        known,
        [known[r[0]]["class"] == NOT_A_CASE for r in ranked],
    )

    timings = []
    for text in texts[:500]:
        started = time.perf_counter()
        model.probabilities([text])
        timings.append(1000 * (time.perf_counter() - started))
    artefact = Path(ROOT) / "suggest" / "data" / "model.npz"
    return {
        "corpus": len(examples),
        "training": len(training),
        "labels": len(model.labels),
        "voices": dict(Counter(example.voice for example in held)),
        "model": found,
        "baseline": base,
        "ms": percentiles(timings),
        "artefact_bytes": artefact.stat().st_size,
        "version": model.version,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
