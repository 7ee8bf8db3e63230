"""The project's own training corpus (data/corpus/*.csv: text, code, voice), written for this
purpose, and its split: a fifth of the texts, chosen by a hash of the text, is the held-out set
that no model is trained on."""

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "corpus"
VOICES = ("grid_worker", "resident", "hotline", "window")
NOT_A_CASE = "N01"  # 咨询, 表扬, 无效: answered by the centre, not dispatched


@dataclass(frozen=True)
class Labelled:
    text: str
    code: str
    voice: str = ""


def held_out(text: str) -> bool:
    """One text in five, by the first bytes of its SHA-256: stable whatever the order, the
    machine or the files the corpus is split into, and independent of the label."""
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 5 == 0


def load_corpus(folder: Path = CORPUS) -> list[Labelled]:
    examples = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                examples.append(Labelled(row["text"].strip(), row["code"].strip(), row["voice"]))
    return examples


def training_set(examples: list[Labelled]) -> list[Labelled]:
    return [example for example in examples if not held_out(example.text)]


def held_out_set(examples: list[Labelled]) -> list[Labelled]:
    return [example for example in examples if held_out(example.text)]
