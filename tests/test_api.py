"""The package's front door: ``extractor.extract(text)`` in one call, and ``dir(extractor)``
listing the names it loads lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import extractor as package

TEXT = "North Korea has sent over 13,000 containers to Russia."


def test_dir_lists_the_lazy_names_and_import_stays_light():
    assert {"Claim", "Document", "Extractor", "extract", "__version__"} <= set(dir(package))
    code = "import sys, extractor; dir(extractor); extractor.Document; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "False\n"


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'extractor' has no attribute 'Nope'"):
        package.Nope  # noqa: B018


def test_extract_in_one_call_loads_the_model_once(monkeypatch, extractor):
    import extractor.pipeline as pipeline

    built = []
    monkeypatch.setattr(package.extract, "_extractor", None)
    monkeypatch.setattr(pipeline, "Extractor", lambda: built.append(1) or extractor)
    claims = package.extract(TEXT, published="2024-08-28", doc_id="a1")
    again = package.extract(TEXT, published="2024-08-28", doc_id="a1")
    assert built == [1]
    assert claims == again == extractor.extract(TEXT, published="2024-08-28", doc_id="a1")
    assert isinstance(claims[0], package.Claim)
    assert [(a.name, a.role.value) for a in claims[0].actors] == [("North Korea", "supplier"), ("Russia", "recipient")]
    assert claims[0].doc_id == "a1"


def test_the_claim_finders_subpackage_stays_importable_under_the_same_name():
    code = (
        "import extractor, extractor.extract.dates as dates\n"
        "from extractor.extract import quantities\n"
        "import extractor.extract.munitions\n"
        "assert callable(extractor.extract) and dates.__name__ == 'extractor.extract.dates'\n"
        "assert extractor.extract.munitions.__name__ == 'extractor.extract.munitions'\n"
        "print(quantities.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout == "extractor.extract.quantities\n", out.stderr
