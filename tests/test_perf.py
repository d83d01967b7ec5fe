"""The numeric back-end settings of :mod:`extractor.perf` change speed, never results."""

from types import SimpleNamespace

import numpy
import pytest
from thinc.api import Maxout, NumpyOps, Relu, chain
from thinc.layers import maxout

from extractor import perf


def _layer(n_out: int, n_pieces: int, n_in: int, seed: int = 0):
    model = Maxout(nO=n_out, nI=n_in, nP=n_pieces)
    model.ops = NumpyOps(use_blis=False)
    model.initialize()
    rng = numpy.random.default_rng(seed)
    model.set_param("W", rng.standard_normal(model.get_param("W").shape).astype("float32"))
    model.set_param("b", rng.standard_normal(model.get_param("b").shape).astype("float32"))
    return model


def _pipeline(*models):
    return SimpleNamespace(pipeline=[(f"c{i}", SimpleNamespace(model=m)) for i, m in enumerate(models)])


@pytest.mark.parametrize(
    ("n_out", "n_pieces", "n_in", "rows"),
    [(96, 3, 288, 500), (64, 2, 96, 37), (8, 4, 5, 1), (96, 3, 96, 0), (3, 1, 7, 11)],
)
def test_prediction_path_gives_thinc_s_numbers_bit_for_bit(n_out, n_pieces, n_in, rows):
    model = _layer(n_out, n_pieces, n_in)
    X = numpy.random.default_rng(1).standard_normal((rows, n_in)).astype("float32")
    # ties between pieces, where the argmax would matter, give the same maximum
    X[: rows // 2] = 0.0
    expected = model.predict(X)
    assert perf.use_prediction_paths(_pipeline(model)) == 1
    assert model._func is perf._maxout_forward
    got = model.predict(X)
    assert got.dtype == expected.dtype and got.shape == expected.shape == (rows, n_out)
    assert got.flags.c_contiguous
    assert numpy.array_equal(got, expected)


def test_training_still_runs_thinc_s_forward_and_backward():
    model = _layer(16, 3, 8)
    X = numpy.random.default_rng(2).standard_normal((20, 8)).astype("float32")
    expected, backprop = model.begin_update(X)
    expected_dX = backprop(numpy.ones_like(expected))
    perf.use_prediction_paths(_pipeline(model))
    got, backprop = model.begin_update(X)
    assert numpy.array_equal(got, expected)
    assert numpy.array_equal(backprop(numpy.ones_like(got)), expected_dX)


def test_a_prediction_has_no_backward_pass():
    model = _layer(4, 2, 3)
    perf.use_prediction_paths(_pipeline(model))
    _, backprop = perf._maxout_forward(model, numpy.zeros((2, 3), dtype="float32"), is_train=False)
    with pytest.raises(RuntimeError, match="prediction mode"):
        backprop(numpy.zeros((2, 4), dtype="float32"))


def test_only_thinc_s_own_maxout_layers_change():
    inner = _layer(4, 2, 3)
    relu = Relu(nO=4, nI=4)
    foreign = _layer(4, 2, 3)
    foreign._func = lambda model, X, is_train: maxout.forward(model, X, is_train)
    assert perf.use_prediction_paths(_pipeline(chain(inner, relu), foreign, None)) == 1
    assert inner._func is perf._maxout_forward
    assert foreign._func is not perf._maxout_forward


def test_default_ops_leave_the_layers_alone(monkeypatch):
    monkeypatch.setenv(perf.OPS_VARIABLE, "default")
    model = _layer(4, 2, 3)
    assert perf.use_prediction_paths(_pipeline(model)) == 0
    assert model._func is maxout.forward


@pytest.mark.parametrize(("rows", "width"), [(500, 96), (37, 64), (1, 5), (0, 96), (8, 1)])
def test_layernorm_prediction_path_gives_thinc_s_numbers_bit_for_bit(rows, width):
    from thinc.api import LayerNorm

    model = LayerNorm(nI=width)
    model.ops = NumpyOps(use_blis=False)
    model.initialize()
    rng = numpy.random.default_rng(3)
    model.set_param("G", rng.standard_normal(width).astype("float32"))
    model.set_param("b", rng.standard_normal(width).astype("float32"))
    X = (rng.standard_normal((rows, width)) * rng.uniform(0.01, 100.0)).astype("float32")
    X[: rows // 3] = 7.25  # constant rows: no variance but the 1e-08
    expected = model.predict(X)
    assert perf.use_prediction_paths(_pipeline(model)) == 1
    got = model.predict(X)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert numpy.array_equal(got, expected)
    assert numpy.array_equal(model.begin_update(X)[0], expected)  # training: thinc's own forward


def test_the_loaded_model_predicts_through_the_fast_path(extractor):
    """The ten Maxout and ten LayerNorm layers of the pinned model (tok2vec's and the NER's
    embedding and four convolutions each) run the prediction path; tags, parses and entities are
    unchanged (the dev set's output is compared byte for byte in tests/test_golden.py)."""
    from thinc.layers import layernorm

    nlp = extractor.nlp
    thinc_forward = {perf._maxout_forward: maxout.forward, perf._layernorm_forward: layernorm.forward}
    patched = [layer for _, c in nlp.pipeline if hasattr(getattr(c, "model", None), "walk")
               for layer in c.model.walk() if layer._func in thinc_forward]
    assert sorted(layer.name for layer in patched) == ["layernorm"] * 10 + ["maxout"] * 10
    text = "Germany delivered 18 Leopard 2 tanks to Ukraine in March, the defence ministry said."
    doc = nlp(text)
    fast = [(layer, layer._func) for layer in patched]
    for layer, func in fast:
        layer._func = thinc_forward[func]
    try:
        reference = nlp(text)
    finally:
        for layer, func in fast:
            layer._func = func
    assert [(t.tag_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_) for t in doc] == \
        [(t.tag_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_) for t in reference]


# -- the tokenizer's chunk cache --------------------------------------------------------------

WARM_TEXTS = [
    "BEIJING \u2014 The U.S. didn't say; Mr. Smith's F-16s (and 155mm shells) arrived.",
    "KYIV, Ukraine (AP) \u2014 Ukraine's forces got 20mm rounds, 5kW radars & 1,000 drones :) today.",
    "See https://example.com/a?b=1 or e-mail press@example.org \u2014 can't, won't, gonna.",
    "  Leading  spaces,\ttabs\nand\n\nline breaks \u2014 \u201cquoted\u201d \u2018words\u2019 ... end.",
    "",
]


def _tokens(doc):
    return [(t.text, t.whitespace_, t.norm_, t.lower_, t.is_space) for t in doc]


@pytest.mark.parametrize("text", WARM_TEXTS)
def test_warming_never_changes_the_tokens(text):
    import spacy

    cold, warm = spacy.blank("en"), spacy.blank("en")
    warmer = perf.TokenizerWarmer(warm.tokenizer)
    expected = _tokens(cold.make_doc(text))
    for _ in range(2):  # before and after the chunks are in the cache
        warmer(text)
        assert _tokens(warm.make_doc(text)) == expected


def _counting_prefix_search(tokenizer):
    calls = []
    search = tokenizer.prefix_search

    def counted(string):
        calls.append(string)
        return search(string)

    tokenizer.prefix_search = counted  # (resets the tokenizer's caches)
    return calls


def test_after_a_special_case_spacy_caches_nothing_and_the_warmer_fills_the_cache():
    import spacy

    text = "BEIJING \u2014 the ministry said the shipment had arrived"  # "\u2014" is a special case
    plain = spacy.blank("en")
    calls = _counting_prefix_search(plain.tokenizer)
    plain.make_doc(text)
    calls.clear()
    plain.make_doc(text)
    assert "ministry" in calls  # spaCy split the words after the dash again

    warm = spacy.blank("en")
    calls = _counting_prefix_search(warm.tokenizer)
    warmer = perf.TokenizerWarmer(warm.tokenizer)
    warmer(text)
    warm.make_doc(text)
    calls.clear()
    warmer(text)
    warm.make_doc(text)
    assert "ministry" not in calls and "shipment" not in calls


def test_the_warmer_stops_at_the_tokenizer_s_cache_size():
    import spacy

    nlp = spacy.blank("en")
    nlp.tokenizer.max_cache_size = 3
    warmer = perf.TokenizerWarmer(nlp.tokenizer)
    warmer("one two three four five")
    assert len(warmer.seen) == 5  # a text is warmed whole once begun
    warmer("six seven")
    assert warmer.seen == {"one", "two", "three", "four", "five"}


def test_doc_text_reads_the_kept_text_and_falls_back_to_the_doc():
    import spacy

    from extractor.extract.base import TEXT_KEY, doc_text

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Kyiv \u2014 Ukraine got 12  howitzers.\n")
    assert doc_text(doc) == doc.text
    doc.user_data[TEXT_KEY] = "kept"
    assert doc_text(doc) == "kept"


def test_the_pipeline_keeps_each_piece_s_own_text(extractor, monkeypatch):
    """Every Doc the Extractor makes carries the very text it was made from (what Doc.text gives)."""
    from extractor.extract.base import TEXT_KEY
    from extractor.models import Document

    seen = []
    real_run = type(extractor)._run

    def spy(self, batch, disable):
        seen.extend((d.user_data.get(TEXT_KEY), d.text) for d in batch)
        return real_run(self, batch, disable)

    monkeypatch.setattr(type(extractor), "_run", spy)
    text = "MOSCOW \u2014 Russia sent 40 tanks to Belarus.\n\nThe shipment, officials said, left on Monday."
    list(extractor.extract_many([Document(doc_id="t", text=text)]))
    assert seen and all(kept == made for kept, made in seen)
