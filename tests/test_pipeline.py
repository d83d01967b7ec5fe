"""The Extractor API: chunking of long documents, datelines, streaming order, determinism, and a
property test that arbitrary text never crashes the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import Extractor
from extractor.models import Document
from extractor.pipeline import split_chunks
from extractor.textprep import dateline_span, mask_dateline

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "North Korea has sent over 13,000 containers to Russia, which could hold about 6 million shells."


@pytest.mark.parametrize(
    "text, limit",
    [
        ("a" * 10, 100),
        ("para one.\n\npara two is longer.\n\nthree.", 20),
        ("no breaks at all " * 50, 64),
        ("x" * 250, 100),  # a run without any break is cut hard
        ("line\n" * 100, 33),
    ],
)
def test_split_chunks_covers_text_exactly_within_limit(text, limit):
    chunks = split_chunks(text, limit)
    assert "".join(c for _, c in chunks) == text
    assert all(len(c) <= limit for _, c in chunks)
    assert all(text[o:o + len(c)] == c for o, c in chunks)


def test_split_chunks_prefers_paragraph_breaks():
    text = "first paragraph here.\n\nsecond paragraph here.\n\nthird one."
    chunks = split_chunks(text, 30)
    assert chunks[0][1].endswith("\n\n")


@pytest.mark.parametrize(
    "text, dateline",
    [
        ("SEOUL — North Korea sent shells.", "SEOUL — "),
        ("NEW DELHI — India bought jets.", "NEW DELHI — "),
        ("KYIV, May 3 (Reuters) - Ukraine said.", "KYIV, May 3 (Reuters) - "),
        ("LONDON (AP) — Britain will send.", "LONDON (AP) — "),
        ("WASHINGTON/KYIV, June 2 (Reuters) - The U.S. said.", "WASHINGTON/KYIV, June 2 (Reuters) - "),
        ("BERLIN/PARIS — Germany and France agreed.", "BERLIN/PARIS — "),
        ("AK/47 — a rifle.", None),
        # a story filed from two places
        ("ROME/KYIV, June 2 — Italy sent a battery.", "ROME/KYIV, June 2 — "),
        ("ABU DHABI/NEW DELHI — India bought jets.", "ABU DHABI/NEW DELHI — "),
        ("US/UK officials said.", None),
        ("North Korea — a long story.", None),
        ("US officials said.", None),
        ("A — B", None),
    ],
)
def test_dateline_detection_and_masking_keeps_length(text, dateline):
    span = dateline_span(text)
    if dateline is None:
        assert span is None and mask_dateline(text) == text
    else:
        assert text[span[0]:span[1]] == dateline
        masked = mask_dateline(text)
        assert len(masked) == len(text) and masked[span[1]:] == text[span[1]:]
        assert masked[: span[1]].strip() == ""


def test_datelines_are_masked_at_the_start_of_any_paragraph():
    text = "HEADLINE HERE\n\nKYIV, May 3 (Reuters) - Ukraine said.\nSEOUL — Korea said."
    masked = mask_dateline(text)
    assert len(masked) == len(text)
    blank = " " * len("KYIV, May 3 (Reuters) - ")
    assert masked == "HEADLINE HERE\n\n" + blank + "Ukraine said.\n" + " " * len("SEOUL — ") + "Korea said."


def test_a_line_break_ends_a_sentence(extractor):
    doc = extractor.nlp("HEADLINE WITHOUT STOP\nNorth Korea sent shells to Russia.")
    assert [s.text.strip() for s in doc.sents] == ["HEADLINE WITHOUT STOP", "North Korea sent shells to Russia."]


def test_long_document_is_chunked_with_offsets_into_the_original(extractor):
    # the filler keeps the text in the military domain (a report with two sentences on arms
    # among 80 on the weather would be dropped as off-topic, see tests/test_domain.py)
    filler = "The weather was mild and the front line was quiet that day.\n\n"
    text = filler * 40 + SENTENCE + "\n\n" + filler * 40 + SENTENCE
    small = Extractor(chunk_chars=1500)
    claims = small.extract(text, published="2024-08-28", doc_id="long")
    whole = extractor.extract(text, published="2024-08-28", doc_id="long")
    assert len(claims) == 4
    for claim in claims:
        assert text[claim.span.start:claim.span.end] == claim.text
        for item in claim.quantities + claim.munitions + claim.actors:
            assert text[item.span.start:item.span.end] == item.text
    assert [c.model_dump() for c in claims] == [c.model_dump() for c in whole]


def test_a_long_documents_claims_kept_pickled_are_the_same(monkeypatch):
    """The claims of the pieces of a long document, kept pickled until it is done, come out
    as they would unpickled, in the same order."""
    import pickle

    from extractor import pipeline

    filler = "The weather was mild and the front line was quiet that day.\n\n"
    text = (filler * 20 + SENTENCE + "\n\n") * 3
    small = Extractor(chunk_chars=1500)
    monkeypatch.setattr(pipeline, "PACK_PIECES", 10**6)
    plain = [c.model_dump_json() for c in small.extract(text, published="2024-08-28")]
    packed, dumps = [], pickle.dumps
    monkeypatch.setattr(pipeline, "PACK_PIECES", 2)
    monkeypatch.setattr(pipeline.pickle, "dumps", lambda obj, **kw: packed.append(len(obj)) or dumps(obj, **kw))
    assert [c.model_dump_json() for c in small.extract(text, published="2024-08-28")] == plain
    assert len(plain) == 6 and sum(packed) == 6 and len(packed) >= 3


def test_extract_many_streams_in_input_order(extractor):
    docs = [Document(doc_id=f"d{i}", text=SENTENCE if i % 2 else "Nothing here.", published="2024-08-28")
            for i in range(6)]
    out = list(extractor.extract_many(docs))
    assert [d.doc_id for d, _ in out] == [f"d{i}" for i in range(6)]
    assert [len(c) for _, c in out] == [0, 2, 0, 2, 0, 2]
    assert all(c.doc_id == d.doc_id for d, cs in out for c in cs)


def test_output_is_deterministic(extractor):
    text = (ROOT / "seeds" / "north-korea-shipments-2024-08-28.json").read_text(encoding="utf-8")
    doc = Document.model_validate_json(text)
    first = [c.model_dump_json() for _, cs in extractor.extract_many([doc]) for c in cs]
    second = [c.model_dump_json() for _, cs in Extractor().extract_many([doc]) for c in cs]
    assert first == second and first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=400))
def test_arbitrary_text_never_crashes(extractor, text):
    if not text.strip():
        return
    for claim in extractor.extract(text, published="2024-01-01"):
        assert text[claim.span.start:claim.span.end] == claim.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([
    "North Korea", "sent", "shipped", "over", "13,000", "containers", "to", "Russia", ",", "which", "could",
    "hold", "about", "6 million", "152mm", "shells", "since", "mid-2022", "said", "Reuters", "denied",
    "the", "Kremlin", "not", "may", "between", "and", "\n", "—", "SEOUL", "last", "month", ".", '"',
]), min_size=1, max_size=60))
def test_arbitrary_domain_word_salad_never_crashes(extractor, words):
    text = " ".join(words)
    if not text.strip():
        return
    for claim in extractor.extract(text, published="2024-08-28"):
        assert text[claim.span.start:claim.span.end] == claim.text
        json.loads(claim.model_dump_json())


@pytest.mark.parametrize(
    "text",
    [
        "BEIRUT — Lebanese officials said Iran had sent 20 drones to Hezbollah.",
        "KYIV (Reuters) - Ukrainian officials said Germany delivered 18 howitzers last month.",
        "NAIROBI, March 3 — Kenyan officials said the army bought six helicopters from Italy.",
    ],
)
def test_every_span_reads_the_original_text_after_a_masked_dateline(extractor, text):
    # the dateline is masked as white space for the parser; no span may take that white space in
    claims = extractor.extract(text, published="2024-05-01")
    assert claims
    for claim in claims:
        items = [claim, *claim.actors, *claim.quantities, *claim.munitions, *claim.dates, *claim.attributions]
        for item in items:
            assert text[item.span.start:item.span.end] == item.text
            assert item.text == item.text.strip()
