"""The relevance gate never changes what is written: the same documents through the Extractor
with the gate (irrelevant pieces stop after the tokenizer) and without it (every piece goes
through the whole pipeline) give byte-identical claims. Both runs use the code under test, on
the dev articles, the seed, the off-topic set and samples of both benchmark corpora.

The dev and off-topic sets lie in ``../shared`` beside the repository; without it these tests
are skipped, except under ``CI=true`` where they fail."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from extractor.models import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402  (bench/ is a folder of scripts, not a package)


def _need_shared() -> None:
    if SHARED.is_dir():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{SHARED} is missing (CI=true: the gate identity tests must run)", pytrace=False)
    pytest.skip("../shared/eval is not there")


def _dev() -> list[Document]:
    docs = []
    for path in sorted((SHARED / "dev" / "docs").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        docs.append(Document(doc_id=data.get("doc_id", path.stem), text=data["text"], published=data.get("published")))
    return docs


def _jsonl(path: Path) -> list[Document]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Document(**{k: v for k, v in json.loads(line).items() if k in ("doc_id", "text", "published")})
            for line in lines if line.strip()]


def _seed() -> list[Document]:
    return [Document(**{k: v for k, v in json.loads(p.read_text(encoding="utf-8")).items()
                        if k in ("doc_id", "text", "published")}) for p in sorted((ROOT / "seeds").glob("*.json"))]


def _bench(kind: str, n: int) -> list[Document]:
    build = corpus.build_docs if kind == "arms" else corpus.build_feed
    return [Document(**d) for d in build(n)]


CORPORA = {
    "dev": _dev,
    "seed": _seed,
    "offtopic": lambda: _jsonl(SHARED / "offtopic" / "docs.jsonl"),
    "bench-arms": lambda: _bench("arms", 20),
    "bench-feed": lambda: _bench("feed", 100),
}


def _run(extractor, documents: list[Document], gate: bool) -> tuple[bytes, int]:
    extractor.gate = gate
    try:
        out, gated = [], 0
        for _, claims in extractor.extract_many(documents):
            out.extend(c.model_dump_json() for c in claims)
            gated += claims.gated
        return "\n".join(out).encode(), gated
    finally:
        extractor.gate = True


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_output_is_the_same_with_and_without_the_gate(extractor, name):
    _need_shared()
    documents = CORPORA[name]()
    assert documents
    gated_out, gated = _run(extractor, documents, gate=True)
    full_out, none = _run(extractor, documents, gate=False)
    assert gated_out == full_out
    assert none == 0
    if name in ("offtopic", "bench-feed"):
        assert gated > len(documents) // 3  # the gate has work to do there
    if name in ("dev", "seed", "bench-arms"):
        assert gated == 0
