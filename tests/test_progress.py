"""Progress on a terminal (total, percent, docs/s, ETA, claims so far) and nothing on a pipe."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

from extractor.commands.progress import Progress
from extractor.io.readers import count_documents, expand_inputs

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "inputs"
EXTRACTOR = Path(sys.executable).parent / "extractor"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Counts:
    documents_extracted: int = 0
    documents_skipped: int = 0
    documents_rejected: int = 0
    claims_written: int = 0


def rendered(total: int | None, steps: list[Counts]) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160, color_system=None)
    with Progress(True, total, console=console) as progress:
        for counts in steps:
            progress.update(counts)
            time.sleep(0.05)
            progress._progress.refresh()
    return ANSI.sub("", out.getvalue())


def test_bar_shows_total_percent_rate_eta_and_claims():
    text = rendered(10, [Counts(1), Counts(3, 1, 1, 12)])
    last = text.replace("\r", "\n").strip().splitlines()[-1]
    assert re.search(r"extracting .* 50% +5/10 +[\d.]+ docs/s ETA \d+:\d\d:\d\d 12 claims$", last), last


def test_without_a_total_the_bar_counts_documents_and_time():
    text = rendered(None, [Counts(1, claims_written=1)])
    last = text.replace("\r", "\n").strip().splitlines()[-1]
    assert re.search(r"extracting .* 1 document .*\d:\d\d:\d\d 1 claim$", last), last
    assert "%" not in last


def test_disabled_progress_draws_nothing():
    out = io.StringIO()
    with Progress(False, 10, console=Console(file=out, force_terminal=True)) as progress:
        progress.update(Counts(5))
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.jsonl": b'{"doc_id": "1", "text": "x"}\n\n{"doc_id": "2", "text": "y"}\n', "b.txt": b"text"}, 3),
        ({"a.jsonl": b""}, 0),
    ],
)
def test_count_documents_of_files(tmp_path, files, expected):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    assert count_documents(expand_inputs([str(tmp_path)])) == expected
    assert count_documents(expand_inputs([str(tmp_path), "-"])) is None


def _run_with_stderr_on_a_terminal(args: list[str]) -> tuple[int, str]:
    master, slave = os.openpty()
    proc = subprocess.Popen([str(EXTRACTOR), *args], stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=300), ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


@pytest.mark.skipif(not EXTRACTOR.is_file(), reason=f"no installed {EXTRACTOR}")
def test_progress_on_a_terminal_and_nothing_on_a_pipe(tmp_path):
    args = ["extract", "seeds/", str(DATA / "feed.jsonl"), "-o", str(tmp_path / "o.jsonl")]
    code, terminal = _run_with_stderr_on_a_terminal(args)
    assert code == 0, terminal
    assert re.search(r"extracting .*100% +3/3 .*docs/s ETA", terminal), terminal
    assert "summary: 3 documents read" in terminal
    piped = subprocess.run([str(EXTRACTOR), *args], capture_output=True, text=True, cwd=ROOT)
    assert piped.returncode == 0
    assert re.fullmatch(r"summary: 3 documents read, 0 skipped, 3 extracted, 0 rejected; \d+ claims written in "
                        r"[\d.]+ s \([\d.]+ docs/s\)\n", piped.stderr), piped.stderr
