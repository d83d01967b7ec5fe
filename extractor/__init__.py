"""extractor: structured, checkable claims about arms and military support from English news.

>>> import extractor
>>> claims = extractor.extract("North Korea has sent 13,000 containers to Russia.", published="2024-08-28")

The heavy parts (spaCy) are imported lazily so that ``extractor --help`` starts fast;
``dir(extractor)`` lists the lazy names too.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Claim", "Document", "Extractor", "__version__", "extract"]

if TYPE_CHECKING:
    from .models import Claim, Document
    from .pipeline import Extractor

_LAZY = {"Claim": "models", "Document": "models", "Extractor": "pipeline"}


class _Extract:
    """``extractor.extract(text)``: the claims of one text in one call (for notebooks and scripts).

    The name is also the subpackage of claim finders (``extractor.extract.dates``...), which
    stays reachable through it: ``import extractor.extract.dates as dates`` works as usual.
    """

    def __init__(self) -> None:
        self._extractor: Extractor | None = None
        self._lock = threading.Lock()

    def __call__(self, text: str, published: str | None = None, doc_id: str = "doc") -> list[Claim]:
        """The claims of ``text``; ``published`` is the ISO date (``2024-08-28``) that relative
        dates ("on Wednesday") resolve against, ``doc_id`` goes into each claim. The model is
        loaded on the first call and kept; for many documents, ``Extractor.extract_many``
        batches them."""
        with self._lock:
            if self._extractor is None:
                from .pipeline import Extractor

                self._extractor = Extractor()
            shared = self._extractor
        return shared.extract(text, published=published, doc_id=doc_id)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        package = importlib.import_module(".extract", __name__)
        try:
            return getattr(package, name)
        except AttributeError:
            return importlib.import_module(f".extract.{name}", __name__)

    def __repr__(self) -> str:
        return "<function extractor.extract(text, published=None, doc_id='doc')>"


extract = _Extract()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package module, keeping ``extractor.extract`` the callable above: importing the
    subpackage ``extractor.extract`` would otherwise rebind the name to that module."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "extract" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
