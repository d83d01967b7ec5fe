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


@pytest.mark.slow
def test_bench_runs_on_five_documents(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--docs", "5", "--reps", "1", "--no-scale",
         "--help-reps", "1", "--out-dir", str(tmp_path), "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["corpus"]["docs"] == 5
    configs = result["summary"]["configs"]
    assert set(configs) == {"reference", "reference_numpy", "extractor_w1", "extractor_w2"}
    for name, row in configs.items():
        assert row["ok_runs"] == 1 and row["failed_runs"] == 0, name
        assert row["docs_per_s"] > 0 and row["peak_rss_mb"] > 50, name
    assert len(result["summary"]["ratio_extractor_w1_vs_reference"]["per_rep"]) == 1
    assert result["summary"]["speedup_w2_vs_w1"]["median"] > 0
    assert result["summary"]["extractor_model_load_s"] > 0
    assert 0 < result["summary"]["help_s"] < 10
    assert set(result["summary"]["targets"]) >= {"ratio_extractor_w1_vs_reference", "speedup_w2_vs_w1"}
    assert "ratio_extractor_w1_vs_reference" in proc.stdout
