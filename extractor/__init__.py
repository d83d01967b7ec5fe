"""extractor: structured, checkable claims about arms and military support from English news.

The heavy parts (spaCy) are imported lazily so that ``extractor --help`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Claim", "Document", "Extractor", "__version__"]

if TYPE_CHECKING:
    from .models import Claim, Document
    from .pipeline import Extractor


def __getattr__(name: str) -> Any:
    if name in ("Claim", "Document"):
        from . import models

        return getattr(models, name)
    if name == "Extractor":
        from .pipeline import Extractor

        return Extractor
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
