"""Numeric back-end settings that make the spaCy model run faster, with identical output.

Call :func:`limit_blas_threads` before spaCy (and so numpy) is imported, and load the model
inside :func:`model_ops`; :func:`extractor.pipeline.load_nlp` does both. Measured on the
project's machines (see ``bench/README.md``):

* cython-blis, thinc's default matrix back-end, falls back to its slow ``generic`` kernels on
  the CPUs we run on; thinc's ``NumpyOps(use_blis=False)`` does the same matrix products with
  numpy's OpenBLAS, 1.5–2× faster for tok2vec and NER, with identical tags, parses and entities.
* OpenBLAS must then run single-threaded (``OPENBLAS_NUM_THREADS=1``): the matrices of a
  32-document batch are too small to gain from threads, and two worker processes on two cores
  would oversubscribe them. The variable is read when numpy loads OpenBLAS, so it has to be set
  before the first ``import numpy`` of the process (a worker process inherits it).

* thinc's ``Maxout`` layer (ten of them run on every token: the shared tok2vec's and the NER's
  own embedding and four convolutions each) returns, besides the maximum over its pieces, the
  index of that maximum, which only training's backward pass reads; its kernel takes a third of
  the layer. Each is followed by a ``LayerNorm``, which computes the row means and deviations
  twice. :func:`use_prediction_paths` gives both layers a prediction path without that work
  (the same numbers, bit for bit) and leaves training to thinc's own forward.

* spaCy's tokenizer caches how it split each whitespace-separated chunk, but stops saving to
  that cache for the rest of a text once one chunk was a special case ("—", "U.S.", "don't"):
  almost every news article has one in its first line, so nearly every word went through the
  prefix, suffix and infix regular expressions again (2.5-4 ms of a 500-word article).
  :class:`TokenizerWarmer` tokenizes each chunk not seen before on its own first, which saves
  it to the cache (unless it is itself a special case); the article's tokens are the same.

Set ``EXTRACTOR_OPS=default`` to keep thinc's own choice (for comparisons); a value the user
already gave ``OPENBLAS_NUM_THREADS`` is kept.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

#: Environment variables read by the BLAS libraries numpy may be built against.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
OPS_VARIABLE = "EXTRACTOR_OPS"


def limit_blas_threads() -> bool:
    """Make BLAS single-threaded unless the user chose otherwise (or ``EXTRACTOR_OPS=default``);
    False if it is too late (numpy, and with it OpenBLAS, already loaded in this process)."""
    if os.environ.get(OPS_VARIABLE, "").lower() == "default":
        return False
    if "numpy" in sys.modules:
        log.debug("numpy already imported: BLAS thread count left as it is")
        return False
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    return True


@contextmanager
def model_ops() -> Iterator[str]:
    """Context to load a model in: its layers are built with ``NumpyOps(use_blis=False)`` and
    keep them after the context (the process's current ops are restored, so other models of
    the host program are not affected). Yields the ops' description. Leaves thinc's choice
    alone when ``EXTRACTOR_OPS=default`` or when the current ops are not thinc's CPU default
    (a GPU, say)."""
    from thinc.api import NumpyOps, get_current_ops, use_ops

    current = get_current_ops()
    if os.environ.get(OPS_VARIABLE, "").lower() == "default" or type(current) is not NumpyOps:
        yield f"{type(current).__name__}(use_blis={getattr(current, 'use_blis', None)})"
        return
    with use_ops("numpy", use_blis=False):
        yield "NumpyOps(use_blis=False)"


def use_prediction_paths(nlp) -> int:
    """Give every thinc ``Maxout`` and ``LayerNorm`` layer of ``nlp``'s components that runs on
    numpy a prediction path (:func:`_maxout_forward`, :func:`_layernorm_forward`); returns how
    many layers it changed. Does nothing with ``EXTRACTOR_OPS=default``, on other ops (a GPU) or
    on layers whose forward is not thinc's own."""
    if os.environ.get(OPS_VARIABLE, "").lower() == "default":
        return 0
    from thinc.api import NumpyOps
    from thinc.layers import layernorm, maxout

    paths = {maxout.forward: _maxout_forward, layernorm.forward: _layernorm_forward}
    changed = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for layer in model.walk():
            path = paths.get(getattr(layer, "_func", None))
            if path is not None and isinstance(layer.ops, NumpyOps):
                layer._func = path
                changed += 1
    log.debug("layers with a prediction path: %d", changed)
    return changed


def _layernorm_forward(model, X, is_train: bool):
    """thinc's ``LayerNorm`` forward when predicting: the same numpy operations in the same order
    on the same values (so the same numbers, bit for bit), with the row means and deviations
    computed once instead of twice (``X.var`` computes both again) and the scaling done in place
    (training: thinc's forward)."""
    from thinc.layers import layernorm

    if is_train:
        return layernorm.forward(model, X, is_train)
    import numpy

    mu = X.mean(axis=1, keepdims=True)
    # X.var(axis=1, keepdims=True): the mean as above, the squared deviations summed along the
    # rows, divided by the row length as numpy's _var does (an intp count, cast back in place)
    dev = numpy.subtract(X, mu)
    var = numpy.add.reduce(numpy.square(dev), axis=1, keepdims=True)
    numpy.true_divide(var, numpy.intp(X.shape[1]), out=var, casting="unsafe")
    var += 1e-08
    dev *= var ** (-1.0 / 2.0)  # thinc: Xhat = (X - mu) * var ** (-1.0 / 2.0)
    dev *= model.get_param("G")  # thinc: Y = Xhat * G; Y += b
    dev += model.get_param("b")
    return dev, _no_backprop


def _maxout_forward(model, X, is_train: bool):
    """thinc's ``Maxout`` forward when predicting: the same affine map and maximum over the
    pieces, without the argmax that only the backward pass needs (training: thinc's forward)."""
    from thinc.layers import maxout

    if is_train:
        return maxout.forward(model, X, is_train)
    import numpy

    n_out, n_pieces, n_in = model.get_dim("nO"), model.get_dim("nP"), model.get_dim("nI")
    W = model.ops.reshape2f(model.get_param("W"), n_out * n_pieces, n_in)
    Y = model.ops.gemm(X, W, trans2=True)
    Y += model.ops.reshape1f(model.get_param("b"), n_out * n_pieces)
    Z = model.ops.reshape3f(Y, Y.shape[0], n_out, n_pieces)
    best = numpy.ascontiguousarray(Z[:, :, 0])
    for piece in range(1, n_pieces):
        numpy.maximum(best, Z[:, :, piece], out=best)
    return best, _no_backprop


def _no_backprop(dY):
    raise RuntimeError("this layer ran in prediction mode (extractor.perf.use_prediction_paths)")


class TokenizerWarmer:
    """Fills a spaCy tokenizer's chunk cache with the chunks of a text before the text is
    tokenized (see the module's docstring): ``warmer(text)`` tokenizes each whitespace-separated
    chunk it has not seen on its own. Stops once it has seen as many chunks as the tokenizer
    caches (``max_cache_size``), so its own memory is bounded too. Tokens never change: a chunk
    is split the same way alone as inside a text; only whether the split is remembered differs."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.limit = getattr(tokenizer, "max_cache_size", 0)
        self.seen: set[str] = set()

    def __call__(self, text: str) -> None:
        seen = self.seen
        if len(seen) >= self.limit:
            return
        tokenize = self.tokenizer
        for chunk in text.split():
            if chunk not in seen:
                seen.add(chunk)
                tokenize(chunk)


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc ``malloc_trim``), so that what a
    long document's claims take next is not counted on top of the model's freed working memory.
    False where there is no glibc (the call is then skipped: nothing but the peak changes)."""
    import ctypes

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True
