"""DocContext.paragraph counts the separators before a character as ``str.count`` did."""

import random

from extractor.extract.context import DocContext


def _context(text: str) -> DocContext:
    ctx = DocContext.__new__(DocContext)  # only the text matters here
    ctx.text = text
    return ctx


def test_paragraph_counts_separators_like_str_count():
    rng = random.Random(7)
    texts = ["", "a", "a\n\nb", "a\n\n\nb\n\n\n\nc", "a\nb\nc", "\n\na\n\n"]
    texts += ["".join(rng.choice("ab\n") for _ in range(rng.randint(0, 40))) for _ in range(300)]
    for text in texts:
        ctx = _context(text)
        sep = "\n\n" if "\n\n" in text else "\n"
        assert [ctx.paragraph(c) for c in range(len(text) + 1)] == [text.count(sep, 0, c) for c in range(len(text) + 1)]
