"""gzip-compressed JSON Lines through both engines: the same claims as the uncompressed file."""

from __future__ import annotations

import gzip
import json

from test_batch_engines import run_dask_here, run_local
from test_runner import LineExtractor

from extractor.batch.dask_engine import plan_partitions


def feed(n: int) -> bytes:
    return b"".join(json.dumps({"doc_id": f"d{i}", "text": f"Line {i}."}).encode() + b"\n" for i in range(n))


def test_a_gzip_feed_is_one_partition_and_both_engines_read_it_like_the_plain_file(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl.gz").write_bytes(gzip.compress(feed(5)))
    (tmp_path / "plain.jsonl").write_bytes(feed(5))
    plan = plan_partitions([str(tmp_path / "in")], 2)
    assert [[(s.source, s.start) for s in p] for p in plan] == [[(f"{tmp_path}/in/feed.jsonl.gz", None)]]
    plain, _, _ = run_local([str(tmp_path / "plain.jsonl")], tmp_path / "plain-out.jsonl", LineExtractor())
    local, local_rejects, _ = run_local([str(tmp_path / "in")], tmp_path / "local.jsonl", LineExtractor())
    dask, dask_rejects, _ = run_dask_here(monkeypatch, [str(tmp_path / "in")], tmp_path / "dask", LineExtractor())
    assert local == dask == plain and len(plain.splitlines()) >= 5
    assert local_rejects == dask_rejects == []
