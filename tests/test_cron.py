"""The documented nightly cron script works as pasted, under cron's environment: ``env -i`` with
a minimal PATH, run by ``/bin/sh``, with only the two paths at its top edited."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "nightly-extract.sh"
SEED = ROOT / "seeds" / "north-korea-shipments-2024-08-28.json"
#: The extractor command of the environment the tests run in (the venv the package is installed in).
EXTRACTOR = Path(sys.executable).parent / "extractor"

pytestmark = pytest.mark.skipif(not EXTRACTOR.is_file(), reason=f"no installed {EXTRACTOR}")


def install(tmp_path: Path, extractor: Path = EXTRACTOR) -> Path:
    """The script as a user installs it: copied, its EXTRACTOR and WORK lines edited, executable."""
    text = SCRIPT.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^EXTRACTOR=.*$", f"EXTRACTOR={extractor}", text)
    text, m = re.subn(r"(?m)^WORK=.*$", f"WORK={tmp_path}", text)
    assert (n, m) == (1, 1), "the script has one EXTRACTOR= and one WORK= line to edit"
    script = tmp_path / "nightly-extract.sh"
    script.write_text(text, encoding="utf-8")
    script.chmod(0o755)
    return script


def as_cron(script: Path, home: Path) -> subprocess.CompletedProcess:
    """Run ``script`` the way cron does: empty environment but HOME and a minimal PATH, another
    working directory."""
    return subprocess.run(
        ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", "/bin/sh", "-c", str(script)],
        cwd="/", capture_output=True, text=True, timeout=300,
    )


def events(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]


def test_script_is_posix_sh_with_set_eu_absolute_paths_and_a_log():
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert re.search(r"(?m)^set -eu$", text)
    assert re.search(r"(?m)^EXTRACTOR=/\S+/bin/extractor$", text) and re.search(r"(?m)^WORK=/\S+$", text)
    assert 'LOG="$WORK/' in text
    subprocess.run(["/bin/sh", "-n", str(SCRIPT)], check=True)


def test_nightly_script_runs_under_crons_environment_and_the_next_night_skips(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "articles").mkdir()
    shutil.copy(SEED, tmp_path / "articles" / SEED.name)
    (tmp_path / "feeds" / "wire.jsonl").write_text(
        json.dumps({"doc_id": "w1", "text": "Iran has delivered 50 Shahed-136 drones to Russia.",
                    "published": "2023-03-15"}) + "\n{broken\n",
        encoding="utf-8",
    )
    script = install(tmp_path)
    first = as_cron(script, tmp_path)
    assert first.returncode == 0, first.stderr + (tmp_path / "extract.log").read_text()
    assert first.stdout == first.stderr == ""
    claims = (tmp_path / "claims.jsonl").read_text(encoding="utf-8")
    assert {json.loads(line)["doc_id"] for line in claims.splitlines()} == {"w1", "seed-nk-shipments-2024-08-28"}
    assert (tmp_path / "current.jsonl").read_text(encoding="utf-8") == claims
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["kind"]) for r in rejects] == [(2, "invalid_json")]
    log = tmp_path / "extract.log"
    summary = [e for e in events(log) if e.get("event") == "summary"]
    assert summary and summary[-1]["documents_extracted"] == 2
    assert "some documents were rejected, see" in log.read_text()
    # the next night: nothing new, nothing written, still exit 0
    second = as_cron(script, tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "claims.jsonl").read_text(encoding="utf-8") == claims
    assert [e for e in events(log) if e.get("event") == "summary"][-1]["documents_skipped"] == 2


def test_a_failing_night_exits_non_zero_and_says_why_in_the_log_and_to_cron(tmp_path):
    (tmp_path / "feeds").mkdir()  # articles/ is missing: a usage error of extractor (exit 2)
    result = as_cron(install(tmp_path), tmp_path)
    assert result.returncode == 2
    assert re.fullmatch(r"\S+Z nightly-extract: extractor extract exited with code 2, see \S+/extract\.log\n",
                        result.stderr)
    log = (tmp_path / "extract.log").read_text()
    assert "articles/: no such file or directory" in log and result.stderr.strip() in log


def test_a_wrong_extractor_path_is_reported_not_silent(tmp_path):
    result = as_cron(install(tmp_path, extractor=tmp_path / "missing" / "extractor"), tmp_path)
    assert result.returncode == 127
    assert f"{tmp_path}/missing/extractor is not an executable file: edit EXTRACTOR in" in result.stderr
    assert result.stderr.strip() in (tmp_path / "extract.log").read_text()


def test_the_bare_command_name_is_what_fails_under_cron(tmp_path):
    """Why the script names the venv's extractor: cron's PATH does not hold it."""
    result = subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", "/bin/sh", "-c", "command -v extractor"],
                            capture_output=True, text=True)
    if os.access("/usr/bin/extractor", os.X_OK) or os.access("/bin/extractor", os.X_OK):
        pytest.skip("extractor is installed system-wide here")
    assert result.returncode != 0
