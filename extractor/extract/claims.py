"""Claim assembly (work in progress: being written)."""

from __future__ import annotations


class ClaimAssembler:
    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, doc):
        doc._.extractor_claims = []
        return doc
