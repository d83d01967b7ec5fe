"""One module per kind of thing extracted. Each finder works on a parsed spaCy ``Doc`` and
returns :class:`~extractor.extract.base.Mention` objects whose ``value`` is the pydantic item,
with ``text``/``span`` relative to that ``Doc`` (the claim assembler shifts them for chunks)."""
