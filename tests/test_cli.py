"""``extractor extract`` on the command line: exit codes, exact messages, stdin/stdout, logs, lock."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import __version__
from extractor.cli import app
from extractor.batch.runner import CHUNK_CHARS

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "north-korea-shipments-2024-08-28.json"
DATA = Path(__file__).parent / "data" / "inputs"
BAD_LINES = (
    b'{"doc_id": "ok", "text": "Russia sent tanks to Syria.", "published": "2024-05-01"}\n'
    b"{broken\n"
    b'{"doc_id": "empty", "text": ""}\n'
    b'{"doc_id": "latin", "text": "caf\xe9"}\n'
)


@pytest.fixture(scope="module")
def shared_extractor():
    from extractor.pipeline import Extractor

    return Extractor(chunk_chars=CHUNK_CHARS)


@pytest.fixture()
def invoke(monkeypatch, shared_extractor):
    """Run the CLI in-process, reusing one loaded model (the command builds its extractor
    through ``extractor.pipeline.Extractor``)."""
    import extractor.pipeline

    monkeypatch.setattr(extractor.pipeline, "Extractor", lambda **kwargs: shared_extractor)

    def _invoke(*args: str, input: bytes | None = None):
        return CliRunner().invoke(app, list(args), input=input)

    return _invoke


def test_help_lists_every_option_and_the_exit_codes():
    result = CliRunner().invoke(app, ["extract", "--help"])
    assert result.exit_code == 0
    for option in ("--output", "--db", "--state", "--force", "--rejects", "--max-rejects", "--max-chars",
                   "--published", "--texts", "--stats", "--workers", "--batch-size", "--quiet", "--verbose",
                   "--log-format"):
        assert option in result.output
    text = " ".join(result.output.split())
    assert "0 all documents done" in text and "2 usage error" in text
    assert "3 finished, but some documents were rejected" in text and "1 fatal" in text


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, f"extractor {__version__}\n")


def test_help_does_not_import_the_heavy_modules():
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom extractor.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(app, ['extract', '--help']).exit_code == 0\n"
        "print(sorted(m for m in ('spacy', 'thinc', 'trafilatura', 'sqlalchemy', 'dateparser', "
        "'extractor.models', 'extractor.batch.runner') if m in sys.modules))"
    )
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "[]\n"
    assert time.monotonic() - started < 3  # < 0.5 s on an idle machine; loose for busy CI


def test_seed_to_stdout_matches_file_output_and_summary_on_stderr(invoke, tmp_path):
    to_stdout = invoke("extract", str(SEED), "-o", "-")
    assert to_stdout.exit_code == 0, to_stdout.output
    out = tmp_path / "claims.jsonl"
    to_file = invoke("extract", str(SEED), "-o", str(out))
    assert to_file.exit_code == 0
    assert to_stdout.stdout_bytes == out.read_bytes()
    assert re.fullmatch(
        r"summary: 1 document read, 0 skipped, 1 extracted, 0 rejected; \d+ claims written in [\d.]+ s "
        r"\([\d.]+ docs/s\)\n", to_file.stderr)
    default = invoke("extract", str(SEED))  # no -o: stdout
    assert default.stdout_bytes == to_stdout.stdout_bytes


def test_stdin_to_stdout(invoke):
    stdin = SEED.read_bytes().replace(b"\n", b" ") + b"\n"
    result = invoke("extract", "-", "-o", "-", "-q", input=stdin)
    assert (result.exit_code, result.stderr) == (0, "")
    reference = invoke("extract", str(SEED), "-q")
    assert result.stdout_bytes == reference.stdout_bytes


def test_bad_input_exit_3_with_one_line_per_reject_and_rejects_file(invoke, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(BAD_LINES)
    rejects = tmp_path / "rejects.jsonl"
    result = invoke("extract", str(src), "-o", str(tmp_path / "out.jsonl"), "--rejects", str(rejects), "-q")
    assert result.exit_code == 3
    assert result.stderr == (
        f"rejected: {src}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)\n"
        f"rejected: {src}:3 (doc_id 'empty'): invalid document: text: String should have at least 1 character\n"
        f"rejected: {src}:4: not UTF-8: invalid byte 0xe9 at column 33\n"
    )
    assert "Traceback" not in result.output
    assert [json.loads(line)["kind"] for line in rejects.read_text().splitlines()] == [
        "invalid_json", "no_text", "not_utf8"]
    assert (tmp_path / "out.jsonl").exists()


def test_max_rejects_exit_1_with_reason(invoke, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(BAD_LINES)
    out = tmp_path / "out.jsonl"
    result = invoke("extract", str(src), "-o", str(out), "--max-rejects", "2")
    assert result.exit_code == 1
    error, summary = result.stderr.splitlines()[-2:]
    assert error == f"error: stopped after 2 rejected documents (--max-rejects 2); {out} was not written"
    assert re.match(r"summary: 3 documents read, 0 skipped, 1 extracted, 2 rejected; 0 claims written in ", summary)
    assert not out.exists()


@pytest.mark.parametrize(
    ("output", "ends"),
    [
        (["-o", "-"], "(--max-rejects 1); 1 claim went to standard output"),
        (["--state", "{tmp}/s.db", "-o", "{tmp}/o.jsonl"],
         "(--max-rejects 1); the batches committed before are kept (1 claim); run again to go on"),
    ],
)
def test_max_rejects_message_says_what_was_kept(invoke, tmp_path, output, ends):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"doc_id": "ok", "text": "Russia sent 5 tanks to Syria."}\n{broken\n')
    result = invoke("extract", str(src), "--max-rejects", "1", "--batch-size", "1",
                    *[a.format(tmp=tmp_path) for a in output])
    assert result.exit_code == 1
    error = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert error == [f"error: stopped after 1 rejected document {ends}"]
    assert re.search(r"; 1 claim written in ", result.stderr)


def test_force_rewrites_without_claiming_an_interrupted_run(invoke, tmp_path):
    args = ["extract", str(SEED), "-o", str(tmp_path / "o.jsonl"), "--state", str(tmp_path / "s.db")]
    assert invoke(*args).exit_code == 0
    again = invoke(*args, "--force")
    assert again.exit_code == 0
    assert "interrupted" not in again.stderr and "warning" not in again.stderr
    info, summary = again.stderr.splitlines()
    assert info == f"info: --force: {tmp_path / 'o.jsonl'} is rewritten from empty"
    assert summary.startswith("summary: 1 document read, 0 skipped, 1 extracted")


@pytest.mark.parametrize(
    ("lines", "extra", "warning"),
    [
        ([{"doc_id": "a", "text": "Russia sent tanks on Wednesday."}], [],
         "warning: 1 document had no publication date (no published field, no dateline, no --published): relative "
         "dates in it ('on Wednesday', 'last month') were left unresolved"),
        ([{"doc_id": "a", "text": "Russia sent tanks."}, {"doc_id": "b", "text": "Iran sent drones."}], [],
         "warning: 2 documents had no publication date (no published field, no dateline, no --published): "
         "relative dates in them ('on Wednesday', 'last month') were left unresolved"),
        ([{"doc_id": "a", "text": "Russia sent tanks."}], ["--published", "2024-01-02"], None),
        ([{"doc_id": "a", "text": "Russia sent tanks.", "published": "2024-01-02"}], [], None),
    ],
)
def test_one_warning_counts_the_documents_whose_relative_dates_cannot_be_resolved(invoke, tmp_path, lines, extra,
                                                                                   warning):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(line) + "\n" for line in lines))
    stats = tmp_path / "stats.json"
    result = invoke("extract", str(src), "-o", str(tmp_path / "o.jsonl"), "--stats", str(stats), "-q", *extra)
    assert result.exit_code == 0
    assert result.stderr == ("" if warning is None else warning + "\n")
    assert json.loads(stats.read_text())["documents_undated"] == (0 if warning is None else len(lines))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl"], "Invalid value for 'PATH...': missing.jsonl: no such file or directory"),
        ([str(SEED), "--published", "yesterday"],
         "Invalid value: --published: published 'yesterday' is not an ISO date (YYYY-MM-DD)"),
        ([str(SEED), "--workers", "0"], "Invalid value for '--workers' / '-w': Input should be greater than or equal to 1"),
        ([str(SEED), "--log-format", "xml"], "Invalid value for '--log-format': Value error, 'xml' is not one of 'text', 'json'."),
        ([], "Missing argument 'PATH...'."),
    ],
)
def test_usage_errors_exit_2(invoke, args, message):
    result = invoke("extract", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {message}",
        "Usage: extractor extract [OPTIONS] {PATH...}...",
        "Try 'extractor extract --help' for help.",
    ]


def test_a_directory_without_documents_exits_2_naming_the_extensions_read(invoke, tmp_path):
    (tmp_path / "notes.md").write_text("# notes")
    (tmp_path / "old.jsonl").write_bytes((ROOT / "tests" / "golden" / "seed_claims.jsonl").read_bytes())
    result = invoke("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"warning: skipping {tmp_path}/old.jsonl: extractor output (its first line is an extractor claim (it has "
        "claim_id and schema_version)), not documents",
        f"error: Invalid value for 'PATH...': no documents to read in {tmp_path}: inputs are .json, .jsonl, .ndjson, "
        ".txt, .html, .htm, .json.gz, .jsonl.gz, .ndjson.gz files, directories of them, or - for JSON Lines on "
        "standard input",
    ]
    assert not (tmp_path / "out.jsonl").exists()


def test_a_previous_runs_output_in_the_input_directory_does_not_displace_documents(invoke, tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "a.jsonl").write_text(json.dumps({"doc_id": "a", "text": "Russia sent tanks.", "published": "2024-01-01"}))
    first = invoke("extract", str(feeds), "-o", str(feeds / "claims-old.jsonl"), "-q")
    assert first.exit_code == 0
    again = invoke("extract", str(feeds), "-o", str(tmp_path / "claims.jsonl"), "-q")
    assert again.exit_code == 0, again.stderr
    assert again.stderr.startswith(f"warning: skipping {feeds}/claims-old.jsonl: extractor output")
    assert (tmp_path / "claims.jsonl").read_bytes() == (feeds / "claims-old.jsonl").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "missing.jsonl", "--log-format", "json"],
         "Invalid value for 'PATH...': missing.jsonl: no such file or directory"),
        (["extract", "--log-format=JSON", "--nope"], "No such option: --nope"),
        (["load", "--log-format", "json"], "No such option: --log-format"),
    ],
)
def test_usage_errors_are_one_json_object_with_log_format_json(invoke, args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    event = json.loads(line)
    assert {k: event[k] for k in ("level", "logger", "event", "exit_code")} == {
        "level": "error", "logger": "extractor.cli", "event": "usage_error", "exit_code": 2}
    assert event["message"].startswith(message)
    assert event["usage"].startswith(f"Usage: extractor {args[0]} [OPTIONS]")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("extractor ex", ["extract", "export"]),
        ("extractor extract --log-format ", ["text", "json"]),
        ("extractor extract --eng", ["--engine"]),
    ],
)
def test_shell_completion_completes_commands_options_and_choices(words, expected):
    env = {"_EXTRACTOR_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    result = CliRunner().invoke(app, [], prog_name="extractor", env=env)
    assert result.exit_code == 0
    assert result.stdout.split() == expected


def test_completion_can_be_installed():
    result = CliRunner().invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


def test_json_log_format_for_rejects_and_summary(invoke, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(BAD_LINES)
    result = invoke("extract", str(src), "-o", str(tmp_path / "o.jsonl"), "--log-format", "json")
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert [e.get("event") for e in events] == ["rejected", "rejected", "rejected", "summary"]
    assert {k: events[0][k] for k in ("level", "source", "line", "kind", "doc_id")} == {
        "level": "warning", "source": str(src), "line": 2, "kind": "invalid_json", "doc_id": None}
    summary = events[-1]
    assert (summary["documents_read"], summary["documents_extracted"], summary["documents_rejected"]) == (4, 1, 3)
    assert summary["status"] == "rejects" and "docs_per_second" in summary


def test_state_rerun_skips_and_stats_file(invoke, tmp_path):
    out, state, stats = tmp_path / "o.jsonl", tmp_path / "s.db", tmp_path / "stats.json"
    args = ["extract", str(DATA), "-o", str(out), "--state", str(state), "--stats", str(stats), "-q"]
    assert invoke(*args).exit_code == 0
    first = out.read_bytes()
    again = invoke(*args)
    assert (again.exit_code, again.stderr) == (0, "")
    assert out.read_bytes() == first
    data = json.loads(stats.read_text())
    assert (data["documents_read"], data["documents_skipped"], data["documents_extracted"]) == (5, 5, 0)


def test_state_for_other_outputs_is_a_fatal_error(invoke, tmp_path):
    state = tmp_path / "s.db"
    assert invoke("extract", str(SEED), "-o", str(tmp_path / "a.jsonl"), "--state", str(state), "-q").exit_code == 0
    result = invoke("extract", str(SEED), "-o", str(tmp_path / "b.jsonl"), "--state", str(state), "-q")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {state} records a run with output {tmp_path / 'a.jsonl'}; use the same outputs, another --state, "
        "or --force to start over\n")


@pytest.mark.parametrize("with_state", [False, True])
def test_second_concurrent_run_exits_1_with_a_clear_message(tmp_path, monkeypatch, with_state):
    from extractor.io.lock import RunLock

    out, state = tmp_path / "out.jsonl", tmp_path / "state.db"
    extra = ["--state", str(state)] if with_state else []
    target = out  # with a state both the state and the output are locked; the output comes first
    monkeypatch.setenv("EXTRACTOR_LOCK_DIR", str(tmp_path / "locks"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "extractor", "extract"]
    first = subprocess.Popen([*cmd, "-", "-o", str(out), *extra, "-q"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    pid_file = RunLock(target).pid_path
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text().strip() == str(first.pid)):
        assert time.monotonic() < deadline and first.poll() is None, first.stderr.read()
        time.sleep(0.02)
    second = subprocess.run([*cmd, str(SEED), "-o", str(out), *extra], capture_output=True, text=True, env=env)
    assert second.returncode == 1
    assert second.stderr == f"error: another extractor run is using {target} (pid {first.pid}); nothing was written\n"
    first.communicate(input=b"", timeout=60)
    assert first.returncode == 0
    # nothing is left beside the outputs, and no pid file in the lock directory
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["locks", "out.jsonl"] + (["state.db"] if with_state else []))
    assert not list((tmp_path / "locks").glob("*.pid"))


def test_extractor_db_variable_is_the_db_option(invoke, tmp_path, monkeypatch):
    from extractor.db import ClaimStore

    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("EXTRACTOR_DB", url)
    result = invoke("extract", str(SEED), "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    with ClaimStore.open(url) as store:
        assert store.counts()["documents"] == 1


def test_db_alone_writes_no_stdout_and_stores_every_claim(invoke, tmp_path):
    from extractor.db import ClaimStore

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    result = invoke("extract", str(SEED), "--db", url, "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    lines = invoke("extract", str(SEED), "-q").stdout.splitlines()
    with ClaimStore.open(url) as store:
        counts = store.counts()
    assert (counts["documents"], counts["claims"]) == (1, len(lines))
