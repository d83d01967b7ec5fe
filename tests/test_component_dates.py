"""The ``extractor_dates`` component on ``spacy.blank("en")``: dates resolved against the publication date."""

from __future__ import annotations

import pytest

from extractor.models import DateRef

from component_helpers import blank_with


@pytest.fixture(scope="module")
def nlp():
    return blank_with("extractor_dates")


def run(nlp, text: str, published: str | None):
    doc = nlp.make_doc(text)
    doc._.extractor_published = published
    return nlp(doc)


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("Deliveries began in March 2023.", "2024-08-28", [("in March 2023", "2023-03", None, "month", None)]),
        ("Shipments have continued since August 2023.", None, [("since August 2023", "2023-08", None, "month", "since")]),
        ("The first jets arrived last month.", "2024-08-28", [("last month", "2024-07", None, "month", None)]),
        # a relative date without a publication date stays, unresolved
        ("The first jets arrived last month.", None, [("last month", None, None, "month", None)]),
        ("Nothing was sent.", "2024-08-28", []),
    ],
)
def test_date_spans_carry_their_resolved_date(nlp, text, published, expected):
    doc = run(nlp, text, published)
    values = [s._.extractor_value for s in doc.spans["extractor_dates"]]
    assert all(isinstance(v, DateRef) for v in values)
    got = [(v.text, v.start, v.end, v.granularity and v.granularity.value, v.qualifier) for v in values]
    assert got == expected
    assert all(s.label_ == "DATE" for s in doc.spans["extractor_dates"])


def test_the_date_cues_come_from_the_config(tmp_path):
    from extractor.lexicon import data_path

    cues = tmp_path / "date_cues.jsonl"
    # the packaged cues without the "since" qualifier: "since August 2023" is just "August 2023"
    lines = [line for line in data_path("date_cues.jsonl").read_text(encoding="utf-8").splitlines()
             if '"since"' not in line]
    cues.write_text("\n".join(lines) + "\n", encoding="utf-8")
    nlp = blank_with("extractor_dates", extractor_dates={"cues": str(cues)})
    doc = run(nlp, "Shipments have continued since August 2023.", None)
    assert [(s.text, s._.extractor_value.qualifier) for s in doc.spans["extractor_dates"]] == [("August 2023", None)]
