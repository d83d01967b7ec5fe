"""The benchmark's corpus builder, and one run of ``bench/run.py`` on 5 documents (not a benchmark:
it only checks that the script runs end to end and reports what issue 5 asks for)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/ is a folder of scripts, not a package)


@pytest.fixture(scope="module")
def bank() -> corpus.Bank:
    return corpus.load_bank(dev_dir=None)  # seeds only: the bench must not need ../shared


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("North Korea has sent shells to Russia. Russia fired them at Ukrainian towns!\n"
         "The end came quickly for the town.",
         ["North Korea has sent shells to Russia.", "Russia fired them at Ukrainian towns!",
          "The end came quickly for the town."]),
        ("SEOUL — Seoul said on Monday it had verified the shipments to Russia.",
         ["Seoul said on Monday it had verified the shipments to Russia."]),
        ("Too short. A photo caption without any full stop", []),
    ],
)
def test_split_sentences(text, expected):
    assert corpus.split_sentences(text) == expected


def test_corpus_is_deterministic_and_news_length(bank):
    first = list(corpus.build_docs(40, seed=7, bank=bank))
    again = list(corpus.build_docs(40, seed=7, bank=bank))
    other = list(corpus.build_docs(40, seed=8, bank=bank))
    assert first == again
    assert first != other
    assert len({d["doc_id"] for d in first}) == 40
    assert all(300 <= len(d["text"].split()) <= 600 for d in first)
    assert all(set(d) == {"doc_id", "text", "published"} for d in first)


def test_seed_sentences_are_varied(bank):
    sentence = "North Korea has sent over 13,000 containers to Russia since February 2022."
    varied = {corpus.vary(sentence, corpus.random.Random(i)) for i in range(20)}
    assert len(varied) == 20
    assert all("containers" in v for v in varied)


def test_feed_is_deterministic_and_mostly_civilian(bank):
    first = list(corpus.build_feed(200, seed=7, bank=bank, offtopic=("A civilian item about jets for airlines.",)))
    assert first == list(corpus.build_feed(200, seed=7, bank=bank, offtopic=("A civilian item about jets for airlines.",)))
    assert len({d["doc_id"] for d in first}) == 200
    arms = [d for d in first if d["doc_id"].startswith("feed-arms-")]
    civilian = [d for d in first if d["doc_id"].startswith("feed-civ-")]
    assert len(arms) + len(civilian) == 200
    assert 0.08 < len(arms) / 200 < 0.22
    assert all(300 <= len(d["text"].split()) <= 600 for d in first)
    assert any("jets for airlines" in d["text"] for d in civilian)


def test_long_documents_have_their_shapes(bank):
    article, lines = corpus.long_documents(30_000, 4_000, bank=bank)
    assert len(article["text"]) == 30_000 and "\n" in article["text"]
    assert {len(line) for line in lines["text"].split("\n")} == {1}
    assert 3_990 <= len(lines["text"]) <= 4_000


@pytest.mark.slow
def test_bench_runs_on_five_documents(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--docs", "5", "--reps", "1", "--no-scale",
         "--help-reps", "1", "--long-mb", "0.005", "--lines-mb", "0.002", "--out-dir", str(tmp_path),
         "--json", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert set(result["corpora"]) == {"arms", "feed"}
    assert all(c["docs"] == 5 for c in result["corpora"].values())
    for kind, summary in result["summary"]["corpora"].items():
        configs = summary["configs"]
        assert set(configs) == {"reference", "reference_numpy", "extractor_w1", "extractor_w2"}, kind
        for name, row in configs.items():
            assert row["ok_runs"] == 1 and row["failed_runs"] == 0, (kind, name)
            assert row["docs_per_s"] > 0 and row["peak_rss_mb"] > 50, (kind, name)
        assert len(summary["ratio_extractor_w1_vs_reference"]["per_rep"]) == 1
        assert summary["speedup_w2_vs_w1"]["median"] > 0
    assert result["summary"]["corpora"]["feed"]["configs"]["extractor_w1"]["gated"] >= 1
    assert [(r["name"], r["gate"]) for r in result["long"]] == [
        ("long-article", True), ("long-lines", True), ("long-lines", False)]
    assert result["summary"]["long_peak_rss_mb"] > 50
    assert result["summary"]["extractor_model_load_s"] > 0
    assert 0 < result["summary"]["help_s"] < 10
    assert set(result["summary"]["targets"]) >= {
        "feed:ratio_extractor_w1_vs_reference", "arms:ratio_extractor_w1_vs_reference", "arms:speedup_w2_vs_w1",
        "long_peak_rss_mb", "long_lines_vs_article_s_per_char"}
    assert "corpus feed" in proc.stdout and "long long-lines --no-gate" in proc.stdout
