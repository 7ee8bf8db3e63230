"""The keyword baseline the model is measured against, in the same run: a label scores one point
for each two-character piece of its category's name (or, for the "not a case" answers, of their
usual words) found in the text; ties go to the label seen most in training."""

from collections import Counter

from .corpus import Labelled

NOT_A_CASE_WORDS = {
    "N0101": "咨询请问问一下怎么办理政策流程",
    "N0102": "表扬感谢谢谢建议点赞",
    "N0103": "无效误拨挂断听不清骚扰",
}


def _pieces(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class KeywordBaseline:
    def __init__(self, names: dict[str, str], training: list[Labelled]):
        """`names`: each label's words (its category's class and name)."""
        self.keywords = {
            label: _pieces(NOT_A_CASE_WORDS.get(label, words)) for label, words in names.items()
        }
        seen = Counter(example.code for example in training)
        self.order = sorted(names, key=lambda label: -seen[label])

    def ranked(self, text: str) -> list[str]:
        found = _pieces(text)
        score = {label: len(words & found) for label, words in self.keywords.items()}
        return sorted(self.order, key=lambda label: -score[label])
