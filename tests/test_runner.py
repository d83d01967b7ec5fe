"""Batch runs: atomic output, incremental state, crash recovery, rejects, workers, odd and long text.

Tests of the run's bookkeeping use a small stand-in extractor (one claim per non-blank line),
so they do not depend on what the claim logic finds; tests of the real pipeline compare runs
with each other (interrupted vs uninterrupted, 2 workers vs 1), never with fixed claims.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.errors import ModelNotInstalledError
from extractor.io.readers import ReadOptions, read_inputs
from extractor.models import Claim, make_claim_id
from extractor.batch.runner import CHUNK_CHARS, OptionError, RunError, RunOptions, run
from extractor.batch.state import State, StateError
from shared_data import dev_docs

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "inputs"


class LineExtractor:
    """Stand-in for :class:`extractor.pipeline.Extractor`: one claim per non-blank line.

    A document whose text contains ``POISON`` makes the stream fail, as a pipeline bug would.
    """

    def extract_many(self, documents):
        for doc in documents:
            if "POISON" in doc.text:
                raise RuntimeError("boom on a poisoned document")
            claims, pos = [], 0
            for line in doc.text.split("\n"):
                if line.strip():
                    claims.append(Claim(
                        claim_id=make_claim_id(doc.doc_id, pos, pos + len(line)), doc_id=doc.doc_id, text=line,
                        span={"start": pos, "end": pos + len(line)}, claim_type="other", modality="asserted",
                    ))
                pos += len(line) + 1
            yield doc, claims


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


def docs(n: int, prefix: str = "d", lines: int = 2) -> list[dict]:
    return [{"doc_id": f"{prefix}{i}", "text": "\n".join(f"Line {j} of {prefix}{i}." for j in range(lines))}
            for i in range(n)]


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def real_extractor():
    from extractor.pipeline import Extractor

    return Extractor(chunk_chars=CHUNK_CHARS)


@pytest.fixture()
def fake():
    return LineExtractor()


# -- output without state ---------------------------------------------------------------------


def test_new_output_is_written_whole_and_old_output_kept_on_fatal_error(tmp_path, fake):
    src = write_jsonl(tmp_path / "in.jsonl", docs(3))
    out = tmp_path / "out.jsonl"
    summary = run(RunOptions([str(src)], output=str(out)), extractor=fake)
    assert (summary.documents_read, summary.documents_extracted, summary.claims_written) == (3, 3, 6)
    assert [c["doc_id"] for c in lines_of(out)] == ["d0", "d0", "d1", "d1", "d2", "d2"]

    class Broken:
        def extract_many(self, documents):
            raise ModelNotInstalledError("model missing")
            yield  # pragma: no cover

    before = out.read_bytes()
    with pytest.raises(ModelNotInstalledError):
        run(RunOptions([str(src)], output=str(out)), extractor=Broken())
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_stdout_output(tmp_path, fake):
    import io

    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    buf = io.BytesIO()
    run(RunOptions([str(src)], output="-"), extractor=fake, stdout=buf)
    assert [json.loads(x)["doc_id"] for x in buf.getvalue().splitlines()] == ["d0", "d0", "d1", "d1"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(output=None), "nothing to write: give an output file, '-' or a database"),
        (dict(published="28/08/2024"), "--published: published '28/08/2024' is not an ISO date (YYYY-MM-DD)"),
        (dict(output="x.jsonl", rejects="x.jsonl"), "the output, state, rejects, texts and stats files must all be different"),
        (dict(rejects="-"), "only the claims output (-o) can be standard output"),
        (dict(max_rejects=0), "--max-rejects must be at least 1, not 0"),
        (dict(output="/"), "/ is a directory, not a file"),
        (dict(state="/nonexistent/s.db"), "/nonexistent/s.db: directory /nonexistent does not exist"),
    ],
)
def test_contradictory_options_are_usage_errors(options, message):
    with pytest.raises(OptionError) as err:
        run(RunOptions(["-"], **options), extractor=LineExtractor())
    assert str(err.value) == message


# -- incremental runs --------------------------------------------------------------------------


def test_rerun_skips_unchanged_documents_and_writes_nothing(tmp_path, fake):
    src = write_jsonl(tmp_path / "in.jsonl", docs(5))
    out, state = tmp_path / "out.jsonl", tmp_path / "state.db"
    opts = RunOptions([str(src)], output=str(out), state=str(state), batch_size=2)
    first = run(opts, extractor=fake)
    data = out.read_bytes()
    again = run(opts, extractor=fake)
    assert (first.documents_extracted, again.documents_extracted, again.documents_skipped) == (5, 0, 5)
    assert again.claims_written == 0 and out.read_bytes() == data
    plain = tmp_path / "plain.jsonl"
    run(RunOptions([str(src)], output=str(plain)), extractor=fake)
    assert plain.read_bytes() == data  # same bytes with and without a state


def test_changed_document_is_reextracted_and_its_old_claims_superseded(tmp_path, fake):
    src = tmp_path / "in.jsonl"
    out, state_path = tmp_path / "out.jsonl", tmp_path / "state.db"
    write_jsonl(src, docs(3))
    opts = RunOptions([str(src)], output=str(out), state=str(state_path))
    run(opts, extractor=fake)
    with State(str(state_path)) as state:
        old_ids = state.current_claims("d1")
        old_hash = state.known_hash("d1")
    changed = docs(3)
    changed[1]["text"] = "A new first line.\nLine 1 of d1."
    write_jsonl(src, changed)
    summary = run(opts, extractor=fake)
    assert (summary.documents_extracted, summary.documents_changed, summary.documents_skipped) == (1, 1, 2)
    new_lines = lines_of(out)[6:]
    assert {c["doc_id"] for c in new_lines} == {"d1"}
    with State(str(state_path)) as state:
        current = state.current_claims("d1")
        assert current == sorted(c["claim_id"] for c in new_lines)
        assert state.known_hash("d1") != old_hash
    db = sqlite3.connect(state_path)
    superseded = {r[0] for r in db.execute("SELECT claim_id FROM claims WHERE doc_id='d1' AND current=0")}
    assert superseded == set(old_ids) - set(current)
    assert summary.claims_superseded == len(superseded) == 2


def test_force_starts_over_with_the_bytes_of_a_fresh_run(tmp_path, fake):
    src = write_jsonl(tmp_path / "in.jsonl", docs(4))
    out, state = tmp_path / "out.jsonl", tmp_path / "state.db"
    opts = RunOptions([str(src)], output=str(out), state=str(state))
    run(opts, extractor=fake)
    fresh = out.read_bytes()
    changed = docs(4)
    changed[0]["text"] = "Changed."
    write_jsonl(src, changed)
    run(opts, extractor=fake)
    assert len(out.read_bytes()) > len(fresh)
    write_jsonl(src, docs(4))
    forced = run(RunOptions([str(src)], output=str(out), state=str(state), force=True), extractor=fake)
    assert forced.documents_extracted == 4 and out.read_bytes() == fresh


def test_tail_of_an_interrupted_run_is_cut_before_appending(tmp_path, fake):
    src = tmp_path / "in.jsonl"
    out, state = tmp_path / "out.jsonl", tmp_path / "state.db"
    write_jsonl(src, docs(2))
    opts = RunOptions([str(src)], output=str(out), state=str(state))
    run(opts, extractor=fake)
    with out.open("ab") as fh:  # a whole line of an uncommitted batch, then half a line
        fh.write(out.read_bytes().splitlines(keepends=True)[0] + b'{"schema_version":"1.0","cla')
    write_jsonl(src, docs(3))
    run(opts, extractor=fake)
    reference = tmp_path / "ref.jsonl"
    run(RunOptions([str(src)], output=str(reference)), extractor=fake)
    assert out.read_bytes() == reference.read_bytes()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda out: out.write_bytes(out.read_bytes()[:10]),
         "has 10 bytes but {state} records {size} committed: it was changed outside extractor; use --force to rebuild it"),
        (None, "{state} records a run with output {out}; use the same outputs, another --state, or --force to start over"),
    ],
)
def test_state_that_does_not_match_the_output_is_an_error(tmp_path, fake, tamper, message):
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    out, state = tmp_path / "out.jsonl", tmp_path / "state.db"
    run(RunOptions([str(src)], output=str(out), state=str(state)), extractor=fake)
    target, size = out, out.stat().st_size
    if tamper is not None:
        tamper(out)
    else:
        target = tmp_path / "other.jsonl"
    with pytest.raises(StateError) as err:
        run(RunOptions([str(src)], output=str(target), state=str(state)), extractor=fake)
    assert message.format(state=state, out=out, size=size) in str(err.value)


def test_existing_output_is_appended_to_when_a_state_is_first_used_with_adopt(tmp_path, fake):
    src = write_jsonl(tmp_path / "in.jsonl", docs(1))
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"earlier": true}\n')
    run(RunOptions([str(src)], output=str(out), state=str(tmp_path / "s.db"), adopt=True), extractor=fake)
    assert out.read_bytes().startswith(b'{"earlier": true}\n') and len(lines_of(out)) == 3


# -- rejects --------------------------------------------------------------------------------------


def test_rejects_are_written_and_max_rejects_aborts_without_output(tmp_path, fake):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"doc_id": "a", "text": "ok"}\n{bad\n{"doc_id": "b"}\n{"doc_id": "c", "text": "ok"}\n{"text": "x"}\n')
    out, rejects, stats = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "stats.json"
    seen = []
    summary = run(RunOptions([str(src)], output=str(out), rejects=str(rejects), stats=str(stats)),
                  extractor=fake, on_reject=seen.append)
    assert summary.status == "rejects" and summary.documents_rejected == 3
    assert [(r["line"], r["kind"]) for r in lines_of(rejects)] == [(2, "invalid_json"), (3, "no_text"), (5, "invalid_document")]
    assert lines_of(rejects)[1] == {"source": str(src), "line": 3, "doc_id": "b", "kind": "no_text",
                                    "reason": "invalid document: text: Field required"}
    assert [r.line for r in seen] == [2, 3, 5]
    stats_data = json.loads(stats.read_text())
    assert {k: stats_data[k] for k in ("documents_read", "documents_extracted", "documents_rejected", "claims_written",
                                       "status")} == {"documents_read": 5, "documents_extracted": 2,
                                                      "documents_rejected": 3, "claims_written": 2, "status": "rejects"}
    assert set(stats_data) >= {"documents_skipped", "seconds", "docs_per_second"}

    out.unlink()
    with pytest.raises(RunError) as err:
        run(RunOptions([str(src)], output=str(out), rejects=str(rejects), max_rejects=2), extractor=fake)
    assert str(err.value) == f"stopped after 2 rejected documents (--max-rejects 2); {out} was not written"
    assert err.value.summary.status == "aborted" and not out.exists()
    assert err.value.summary.claims_written == 0  # the summary agrees with the message
    assert len(lines_of(rejects)) == 2


def test_duplicate_doc_id_in_one_run_is_rejected(tmp_path, fake):
    first = write_jsonl(tmp_path / "a.jsonl", docs(2))
    second = write_jsonl(tmp_path / "b.jsonl", docs(1))
    seen = []
    run(RunOptions([str(first), str(second)], output=str(tmp_path / "out.jsonl")), extractor=fake,
        on_reject=seen.append)
    assert [(r.kind, r.source, r.line, r.reason) for r in seen] == [
        ("duplicate_doc_id", str(second), 1, f"duplicate doc_id, first read at {first}:1")]


def test_a_document_that_breaks_the_pipeline_is_rejected_and_the_rest_processed(tmp_path, fake):
    batch = docs(4)
    batch[2]["text"] = "POISON line"
    src = write_jsonl(tmp_path / "in.jsonl", batch)
    out = tmp_path / "out.jsonl"
    seen = []
    summary = run(RunOptions([str(src)], output=str(out)), extractor=fake, on_reject=seen.append)
    assert [c["doc_id"] for c in lines_of(out)] == ["d0", "d0", "d1", "d1", "d3", "d3"]
    assert [(r.kind, r.doc_id, r.line, r.reason) for r in seen] == [
        ("extraction_failed", "d2", 3, "extraction failed: RuntimeError: boom on a poisoned document")
    ]
    assert summary.status == "rejects"


def test_database_output_beside_the_file(tmp_path, fake):
    from extractor.db import ClaimStore

    src = write_jsonl(tmp_path / "in.jsonl", docs(3))
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    run(RunOptions([str(src)], output=str(tmp_path / "out.jsonl"), db=url, state=str(tmp_path / "s.db")),
        extractor=fake)
    changed = docs(3)
    changed[0]["text"] = "Only one line now."
    write_jsonl(src, changed)
    run(RunOptions([str(src)], output=str(tmp_path / "out.jsonl"), db=url, state=str(tmp_path / "s.db")),
        extractor=fake)
    with ClaimStore.open(url) as store:
        counts = store.counts()
    assert counts["documents"] == 3 and counts["claims"] == 5


# -- the real pipeline ------------------------------------------------------------------------------


def all_inputs() -> list[str]:
    # DATA holds the seed; the annotated dev articles of ../shared join it (required under CI)
    return [str(DATA), *dev_docs()]


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor", "extract", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


@pytest.mark.slow
def test_sigkill_part_way_then_rerun_gives_every_claim_exactly_once(tmp_path, real_extractor):
    feed = tmp_path / "feed.jsonl"
    records = [r.document for r in read_inputs(all_inputs(), ReadOptions())]
    with feed.open("w") as fh:
        for copy in range(2):
            for doc in records:
                fh.write(json.dumps({**doc.model_dump(), "doc_id": f"{doc.doc_id}#{copy}"}) + "\n")
    reference = tmp_path / "reference.jsonl"
    run(RunOptions([str(feed)], output=str(reference)), extractor=real_extractor)
    assert reference.stat().st_size > 0, "the pipeline found no claims: nothing to compare"

    out, state = tmp_path / "out.jsonl", tmp_path / "state.db"
    args = [str(feed), "-o", str(out), "--state", str(state), "--batch-size", "2", "-q"]
    proc = cli(*args)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            batches = sqlite3.connect(state).execute("SELECT count(*) FROM batches").fetchone()[0]
        except sqlite3.Error:
            batches = 0
        if batches >= 2:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(state) as db:
        done = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < done < 2 * len(records)

    rerun = cli(*args)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    assert out.read_bytes() == reference.read_bytes()
    ids = [c["claim_id"] for c in lines_of(out)]
    assert len(ids) == len(set(ids))


@pytest.mark.slow
def test_two_workers_give_the_same_bytes_as_one(tmp_path, real_extractor):
    from extractor.pipeline import Extractor

    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run(RunOptions(all_inputs(), output=str(one), batch_size=4), extractor=real_extractor)
    run(RunOptions(all_inputs(), output=str(two), batch_size=4, workers=2),
        extractor=Extractor(batch_size=4, chunk_chars=CHUNK_CHARS))
    assert one.stat().st_size > 0, "the pipeline found no claims: nothing to compare"
    assert two.read_bytes() == one.read_bytes()


ODD_TEXTS = [
    "Russia sent 10 tanks to Syria.\r\nThe shipment arrived on Monday.\r\n",
    "Germany\tpledged\t18 Leopard 2 tanks.\n\n\n\t\t\n",
    "Iran supplied\x00 drones\x00 to Russia.\x00",
    "France &amp; Italy sent SAMP/T systems &mdash; officials said &#8220;soon&#8221;.",
    "\u201cWe will deliver 100 shells,\u201d he said \u2014 \u2018soon\u2019.",
    "Россия получила 100 снарядов от КНДР. 朝鲜向俄罗斯运送了炮弹。 أرسلت إيران طائرات مسيرة.",
    "\ufeffBOM first. Emoji \U0001f680 rockets and 🇺🇦 flags; zero\u200bwidth; combining e\u0301.",
    "x" * 20_000,
    "\n\n\n",
    ".",
]


@pytest.mark.slow
def test_odd_text_never_crashes_a_run_and_spans_index_the_given_text(tmp_path, real_extractor):
    src = write_jsonl(tmp_path / "odd.jsonl", [{"doc_id": f"odd{i}", "text": t} for i, t in enumerate(ODD_TEXTS)])
    out = tmp_path / "out.jsonl"
    seen = []
    summary = run(RunOptions([str(src)], output=str(out), published="2024-01-01"),
                  extractor=real_extractor, on_reject=seen.append)
    assert [r.reason for r in seen] == ["invalid document: text: text is empty"]  # only the blank one
    assert summary.documents_extracted == len(ODD_TEXTS) - 1
    by_id = {f"odd{i}": t for i, t in enumerate(ODD_TEXTS)}
    for claim in lines_of(out):
        text = by_id[claim["doc_id"]]
        assert text[claim["span"]["start"]:claim["span"]["end"]] == claim["text"]


@pytest.mark.slow
def test_html_input_writes_the_extracted_text_that_spans_index(tmp_path, real_extractor):
    out, texts = tmp_path / "out.jsonl", tmp_path / "texts.jsonl"
    run(RunOptions([str(DATA / "article.html"), str(DATA / "feed.jsonl")], output=str(out), texts=str(texts)),
        extractor=real_extractor)
    (entry,) = lines_of(texts)
    assert entry["doc_id"] == "article.html"
    assert entry["text"].startswith("Germany to send more Patriot launchers to Ukraine\nBERLIN \u2014")
    for claim in lines_of(out):
        if claim["doc_id"] == "article.html":
            assert entry["text"][claim["span"]["start"]:claim["span"]["end"]] == claim["text"]


LONG_DOC_SCRIPT = """
import json, sys
import spacy
from spacy.language import Language
from extractor.components import EXTRACTION_COMPONENTS
from extractor.models import Claim, make_claim_id
from extractor.pipeline import Extractor
from extractor.batch.runner import CHUNK_CHARS, RunOptions, run


@Language.component("test_first_words")
def first_words(doc):
    # Stand-in claim logic: the first two tokens of each piece, offset into the whole text.
    start, end = doc._.extractor_offset, doc._.extractor_offset + doc[1].idx + len(doc[1].text)
    doc._.extractor_claims = [Claim.model_validate({
        "claim_id": make_claim_id(doc._.extractor_doc_id, start, end), "doc_id": doc._.extractor_doc_id,
        "text": doc[:2].text, "span": {"start": start, "end": end}, "claim_type": "other", "modality": "asserted",
    })]
    return doc


model = sys.argv[1]
spacy.blank("en").to_disk(model)
extractor = Extractor(model=model, chunk_chars=CHUNK_CHARS)
for name in EXTRACTION_COMPONENTS[:-1]:
    extractor.nlp.remove_pipe(name)
extractor.nlp.replace_pipe("extractor_claims", "test_first_words")
summary = run(RunOptions([sys.argv[2]], output=sys.argv[3]), extractor=extractor)
# VmHWM: this process's own peak (ru_maxrss would carry the forking parent's peak over exec).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({**summary.to_dict(), "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.slow
def test_five_megabyte_article_runs_in_bounded_memory(tmp_path):
    """A 5 MB article streams through reading, chunking into pieces and writing in bounded memory,
    with every piece's offsets into the original text. The tokenizer-only pipeline with a
    stand-in claim component keeps this fast; the full model's share of memory is bounded by
    ``CHUNK_CHARS`` per document of a batch (see :data:`extractor.batch.runner.CHUNK_CHARS`)."""
    paragraph = ("North Korea has sent over 13,000 containers to Russia, which could hold about 6 million "
                 "152mm artillery shells, reported the Yonhap News TV portal on Wednesday.\n\n")
    text = paragraph * (5_000_000 // len(paragraph) + 1)
    src = write_jsonl(tmp_path / "big.jsonl", [{"doc_id": "big", "text": text, "published": "2024-08-28"}])
    proc = subprocess.run([sys.executable, "-c", LONG_DOC_SCRIPT, str(tmp_path / "model"), str(src),
                           str(tmp_path / "out.jsonl")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    assert summary["documents_extracted"] == 1
    assert summary["peak_mb"] < 400, f"peak RSS {summary['peak_mb']:.0f} MB"
    claims = lines_of(tmp_path / "out.jsonl")
    assert len(claims) >= len(text) // CHUNK_CHARS
    for claim in claims:
        assert text[claim["span"]["start"]:claim["span"]["end"]] == claim["text"]


def test_a_run_freezes_what_lives_before_the_extraction_and_unfreezes_it_after(tmp_path):
    """During the extraction the objects alive before it (the model's, the lexicons') are frozen;
    afterwards the collector is as it was (thresholds untouched)."""
    import gc

    seen = []

    class Watching(LineExtractor):
        def extract_many(self, documents):
            seen.append((gc.get_freeze_count(), gc.get_threshold()))
            yield from super().extract_many(documents)

    gc.unfreeze()
    before = gc.get_threshold()
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    run(RunOptions([str(src)], output=str(tmp_path / "o.jsonl")), extractor=Watching())
    assert len(seen) == 1
    frozen, thresholds = seen[0]
    assert frozen > 0 and thresholds == before
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
