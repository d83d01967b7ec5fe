"""base.shape_tokens gives the tokens whose shape passes a test, as a scan of the tokens would."""

import spacy

from extractor.extract.base import shape_tokens


def test_shape_tokens_match_a_token_scan():
    nlp = spacy.blank("en")
    doc = nlp("U.S.-made Su-35s and 155mm shells, 12 HIMARS/M142 and T-72B3 tanks " + "x" * 120 + " -- end")
    for wanted in (lambda s: "d" in s, lambda s: s == "LONG" or "-" in s[1:], lambda s: False):
        memo: dict[int, bool] = {}
        expected = [t.i for t in doc if wanted(t.shape_)]
        assert shape_tokens(doc, wanted, memo) == expected
        assert shape_tokens(doc, wanted, memo) == expected  # answered from the memo
    assert shape_tokens(nlp(""), lambda s: True, {}) == []
