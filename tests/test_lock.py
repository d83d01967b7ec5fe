"""One run at a time: a portable lock (filelock) keyed on the resolved path, kept in a lock
directory instead of beside the outputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractor.io.lock import LockBusyError, RunLock, lock_dir


@pytest.fixture(autouse=True)
def locks(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("EXTRACTOR_LOCK_DIR", str(tmp_path / "locks"))
    return tmp_path / "locks"


def test_a_held_lock_refuses_another_holder_naming_target_and_pid(tmp_path):
    with RunLock(tmp_path / "out.jsonl"):
        with pytest.raises(LockBusyError) as err:
            with RunLock(tmp_path / "out.jsonl"):
                pass
    assert str(err.value) == f"another extractor run is using {tmp_path}/out.jsonl (pid {os.getpid()}); nothing was written"
    with RunLock(tmp_path / "out.jsonl"):  # released: free again
        pass


@pytest.mark.parametrize("alias", ["link.jsonl", "sub/../out.jsonl", "./out.jsonl"])
def test_the_lock_is_keyed_on_the_resolved_path(tmp_path, monkeypatch, alias):
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "out.jsonl")
    monkeypatch.chdir(tmp_path)
    with RunLock(tmp_path / "out.jsonl"):
        with pytest.raises(LockBusyError, match=f"another extractor run is using {alias} "):
            with RunLock(alias):
                pass


def test_no_lock_file_is_left_beside_the_output(tmp_path, locks):
    (tmp_path / "out.jsonl").write_text("")
    with RunLock(tmp_path / "out.jsonl") as lock:
        assert lock.path.parent == locks and lock.pid_path.read_text() == f"{os.getpid()}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locks", "out.jsonl"]
    assert not lock.pid_path.exists()


def test_default_lock_directory_is_per_user_in_the_temporary_directory(monkeypatch):
    import getpass
    import tempfile

    monkeypatch.delenv("EXTRACTOR_LOCK_DIR")
    assert lock_dir() == Path(tempfile.gettempdir()) / f"extractor-locks-{getpass.getuser()}"


def test_an_unusable_lock_directory_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("EXTRACTOR_LOCK_DIR", str(tmp_path / "file" / "locks"))
    with pytest.raises(LockBusyError) as err:
        with RunLock(tmp_path / "out.jsonl"):
            pass
    assert str(err.value) == (
        f"cannot create the lock directory {tmp_path}/file/locks: Not a directory (set EXTRACTOR_LOCK_DIR to a "
        "writable directory); nothing was written"
    )
