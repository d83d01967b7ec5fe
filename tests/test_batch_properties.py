"""Property tests of issue 12's standard: no input line stops a batch or is written twice.

Hypothesis writes files of arbitrary input lines: good documents (text with NULs, U+2028,
U+0085, CR...), arbitrary bytes, arbitrary JSON values, JSON that Python's parser refuses (huge
integers, deep nesting), lone surrogates, and good lines with a few bytes mutated. They go
through the readers and the whole CLI (in this process, so the model is loaded once), in the
local engine and in the Dask engine, and every run must:

* exit 0 or 3, print no traceback, never hang;
* write every good document's claims, once, in input order (the oracle: the reader's own
  documents, extracted directly);
* reject every other non-blank line, once, with its line number, kind and reason.

The example counts are modest so the suite stays fast; ``EXTRACTOR_FUZZ_EXAMPLES`` scales them
and ``EXTRACTOR_FUZZ_REPORT=FILE`` writes the counts (inputs tried, crashes, hangs, duplicates).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import signal
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.batch.documents import DocIds, claim_lines
from extractor.io.readers import ReadOptions, read_file, read_inputs, read_jsonl_stream
from extractor.io.readers import InputFile

SCALE = float(os.environ.get("EXTRACTOR_FUZZ_EXAMPLES", "1"))
#: Seconds an example may take before it counts as a hang.
HANG_SECONDS = 300
COUNTS: Counter = Counter()


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    path = os.environ.get("EXTRACTOR_FUZZ_REPORT")
    if path:
        previous = json.loads(Path(path).read_text()) if Path(path).exists() else {}
        for key, value in COUNTS.items():
            previous[key] = previous.get(key, 0) + value
        Path(path).write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")


@contextlib.contextmanager
def counted(engine: str, lines: int):
    """Count the example; an exception is a crash, an alarm a hang (both re-raised)."""
    COUNTS[f"{engine}.examples"] += 1
    COUNTS[f"{engine}.input_lines"] += lines

    def alarm(signum, frame):
        raise TimeoutError(f"no result after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    except TimeoutError:
        COUNTS[f"{engine}.hangs"] += 1
        raise
    except AssertionError:
        COUNTS[f"{engine}.failures"] += 1
        raise
    except BaseException:
        COUNTS[f"{engine}.crashes"] += 1
        raise
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- what goes into a line ---------------------------------------------------------------------------

SPECIALS = ["\x00", "\u2028", "\u2029", "\x85", "\r", "\n", "\x0b", "\x1c", "\ufeff", "\t", " "]
texts = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(SPECIALS)),
                max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def good_line(draw, n: int) -> bytes:
    doc = {"doc_id": f"good-{n}", "text": draw(texts.filter(lambda t: t.strip())) + " end."}
    if draw(st.booleans()):
        doc["published"] = draw(st.sampled_from(["2024-08-28", "2024-08", "2024"]))
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8")


refused_json = st.one_of(
    st.integers(4301, 6000).map(lambda k: ('{"doc_id": "huge", "text": "t", "n": ' + "9" * k + "}").encode()),
    st.integers(1000, 20000).map(lambda k: ("[" * k + "]" * k).encode()),
    st.integers(1000, 5000).map(lambda k: ('{"doc_id": "deep", "text": "t", "x": ' + '{"a":' * k + "1"
                                           + "}" * k + "}").encode()),
    st.sampled_from([b'{"doc_id": "lone", "text": "\\ud800 alone"}', b'{"doc_id": "lone2", "text": "x\\udfff"}',
                     '{"doc_id": "raw", "text": "\ud800"}'.encode("utf-8", "surrogatepass"),
                     b'{"doc_id": "nul\\u0000id", "text": "a NUL in the id"}', b"\xef\xbb\xbf{}"]),
)
arbitrary_json = json_values.map(lambda v: json.dumps(v).encode("utf-8"))
objects = st.fixed_dictionaries({}, optional={"doc_id": json_values, "text": json_values, "published": json_values,
                                              "html": json_values}).map(lambda d: json.dumps(d).encode("utf-8"))
raw_bytes = st.binary(max_size=120)


@st.composite
def mutated(draw, n: int) -> bytes:
    data = bytearray(draw(good_line(n)))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip" and data:
            data[i] = draw(st.integers(0, 255))
        elif action == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=3))
        elif data:
            del data[i]
    return bytes(data)


@st.composite
def input_files(draw, max_lines: int = 8) -> list[bytes]:
    """Lines of one JSON Lines input (none holds a line break of its own)."""
    count = draw(st.integers(1, max_lines))
    lines = []
    for n in range(count):
        line = draw(st.one_of(good_line(n), good_line(n), refused_json, arbitrary_json, objects, raw_bytes,
                              mutated(n)))
        lines.append(line.replace(b"\n", b" "))
    if draw(st.booleans()) and lines:  # a good document's id read again
        lines.append(lines[0])
    return lines


def write(lines: list[bytes], folder: Path) -> Path:
    path = folder / "in.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def non_blank(lines: list[bytes]) -> set[int]:
    found = set()
    for n, line in enumerate(lines, 1):
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip():
            found.add(n)
    return found


# -- the readers ----------------------------------------------------------------------------------------


@settings(max_examples=examples(150), deadline=None)
@given(data=st.binary(max_size=400) | input_files().map(b"\n".join))
def test_the_jsonl_reader_gives_one_record_for_each_non_blank_line(data):
    with counted("reader.jsonl", data.count(b"\n") + 1):
        records = list(read_jsonl_stream(io.BytesIO(data), "fuzz", ReadOptions(max_chars=1000)))
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        assert [r.line for r in records] == sorted(non_blank(lines))
        for r in records:
            assert (r.document is None) != (r.reject is None)
            assert r.reject is None or (r.reject.kind and r.reject.reason and "\n" not in r.reject.reason)


@settings(max_examples=examples(100), deadline=None)
@given(data=st.binary(max_size=400) | refused_json | arbitrary_json | objects | mutated(0))
def test_the_json_file_reader_gives_one_record_for_any_bytes(data):
    with counted("reader.json", 1), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.json"
        path.write_bytes(data)
        records = list(read_file(InputFile(path, str(path), "doc.json", "json"), ReadOptions()))
        assert len(records) == 1 and (records[0].document is None) != (records[0].reject is None)


# -- the whole CLI ------------------------------------------------------------------------------------------


def expected_output(path: Path, extractor) -> tuple[bytes, set[int], list[str]]:
    """The oracle: the claims of the documents the reader accepts (duplicates dropped), the lines
    of those documents, and their doc ids."""
    ids = DocIds()
    documents = []
    for record in read_inputs([str(path)]):
        if record.document is not None and ids.duplicate(record) is None:
            documents.append(record)
    claims = b"".join(claim_lines(cs) for _, cs in extractor.extract_many([r.document for r in documents]))
    return claims, {r.line for r in documents}, [r.document.doc_id for r in documents]


def check_run(engine: str, lines: list[bytes], folder: Path, invoke, extractor, *extra: str) -> None:
    path = write(lines, folder)
    claims_expected, good_lines, good_ids = expected_output(path, extractor)
    out = folder / ("out" if "dask" in engine else "out.jsonl")
    args = ["extract", str(path), "-o", str(out), "--stats", str(folder / "stats.json"), "-q", *extra]
    if not "dask" in engine:
        args += ["--rejects", str(folder / "rejects.jsonl")]
    result = invoke(args)
    assert result.exit_code in (0, 3), result.output
    assert "Traceback" not in result.output
    if "dask" in engine:
        manifest = json.loads((out / "manifest.json").read_text())
        claims = b"".join((out / e["part"]).read_bytes() for e in manifest["partitions"])
        rejects = [json.loads(line) for e in manifest["partitions"]
                   for line in (out / e["rejects"]).read_bytes().splitlines()]
    else:
        claims = out.read_bytes()
        rejects = [json.loads(line) for line in (folder / "rejects.jsonl").read_bytes().splitlines()]
    written_ids = [json.loads(line)["claim_id"] for line in claims.splitlines()]
    COUNTS[f"{engine}.duplicate_claims"] += len(written_ids) - len(set(written_ids))
    assert claims == claims_expected
    assert len(claims.decode("utf-8").splitlines()) == len(written_ids)  # one claim, one line
    rejected = [r["line"] for r in rejects]
    assert all(r["reason"] and r["kind"] for r in rejects)
    if None in rejected:  # the whole file: a binary one
        assert [r["kind"] for r in rejects] == ["binary"] and not claims
        COUNTS[f"{engine}.binary_files"] += 1
        return
    assert len(rejected) == len(set(rejected))
    assert set(rejected) | good_lines == non_blank(lines) and not set(rejected) & good_lines
    for n, line in enumerate(lines):
        if line.startswith(b'{"doc_id": "good-') and n + 1 in good_lines:
            assert json.loads(line)["doc_id"] in good_ids
    stats = json.loads((folder / "stats.json").read_text())
    assert stats["documents_read"] == len(non_blank(lines))
    assert stats["documents_rejected"] == len(rejects)
    assert result.exit_code == (3 if rejects else 0)
    COUNTS[f"{engine}.rejects"] += len(rejects)
    COUNTS[f"{engine}.good_documents"] += len(good_lines)


@pytest.fixture(scope="module")
def real_extractor():
    from extractor.batch.runner import CHUNK_CHARS
    from extractor.pipeline import Extractor

    return Extractor(chunk_chars=CHUNK_CHARS)


@contextlib.contextmanager
def cli(extractor, dask_in_process: bool = False):
    """``invoke(args)``: the CLI in this process, building ``extractor`` as its pipeline."""
    from typer.testing import CliRunner

    import extractor.pipeline as pipeline
    from extractor.batch import dask_engine
    from extractor.cli import app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "Extractor", lambda **kwargs: extractor)
        if dask_in_process:  # partitions of 3 lines: duplicate ids across partitions too
            mp.setattr(dask_engine, "run_from_options", functools.partial(dask_engine.run_from_options,
                                                                          partition_docs=3))
            mp.setattr(dask_engine, "_client", lambda *args: contextlib.nullcontext(None))
            mp.setattr(dask_engine, "_compute", lambda client, tasks: (
                dask_engine.compute_partition(t, extractor=extractor) for t in tasks))
        yield lambda args: CliRunner().invoke(app, args)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=input_files())
def test_the_local_engine_loses_and_repeats_nothing(lines, real_extractor):
    with counted("cli.local", len(lines)), tempfile.TemporaryDirectory() as folder, cli(real_extractor) as invoke:
        check_run("cli.local", lines, Path(folder), invoke, real_extractor)


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=input_files())
def test_the_dask_engine_loses_and_repeats_nothing(lines, real_extractor):
    # the Dask driver and its partitions in this process
    with counted("cli.dask", len(lines)), tempfile.TemporaryDirectory() as folder, \
            cli(real_extractor, dask_in_process=True) as invoke:
        check_run("cli.dask", lines, Path(folder), invoke, real_extractor, "--engine", "dask")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.slow
@settings(max_examples=examples(3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=input_files(max_lines=6))
def test_a_real_dask_cluster_loses_and_repeats_nothing(lines, real_extractor, cluster):
    with counted("cli.dask_cluster", len(lines)), tempfile.TemporaryDirectory() as folder, \
            cli(real_extractor) as invoke:
        check_run("cli.dask_cluster", lines, Path(folder), invoke, real_extractor, "--engine", "dask",
                  "--scheduler", cluster.scheduler_address)
