"""files.write_atomic_many: each file complete or absent, fsynced before its rename, a failure told per file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tempo_crawler import files
from tempo_crawler.files import write_atomic_many


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*.tmp"))


def test_every_file_is_written_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    old = tmp_path / "b.txt"
    old.write_text("old version\n", "utf-8")
    batch = [(tmp_path / "a.txt", "Judul\n\nBadan berita.\n"), (old, "new version\n"),
             (tmp_path / "sub" / "c.txt", "é ü — 2 lines\nsecond\n")]
    assert write_atomic_many(batch) == [None, None, None]
    assert [p.read_text("utf-8") for p, _ in batch] == [text for _, text in batch]
    assert leftovers(tmp_path) == []


def test_each_file_is_fsynced_before_it_is_renamed_onto_its_name(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[tuple[str, str]] = []
    fds: dict[int, str] = {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def tracked_open(path: os.PathLike[str] | str, *args: object, **kwargs: object) -> int:
        fd = real_open(path, *args, **kwargs)  # type: ignore[arg-type]
        fds[fd] = os.fspath(path)
        return fd

    def tracked_fsync(fd: int) -> None:
        events.append(("fsync", Path(fds.get(fd, "?")).name))
        real_fsync(fd)

    def tracked_replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        events.append(("rename", Path(src).name))
        assert Path(src).read_text("utf-8") == texts[Path(dst).name], "renamed before the file was complete"
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "open", tracked_open)
    monkeypatch.setattr(files.os, "fsync", tracked_fsync)
    monkeypatch.setattr(files.os, "replace", tracked_replace)
    texts = {f"{n}.txt": f"article {n}\n" * 50 for n in range(3)}
    assert write_atomic_many([(tmp_path / name, text) for name, text in texts.items()]) == [None] * 3
    renamed = [tmp for kind, tmp in events if kind == "rename"]
    assert len(renamed) == 3
    for tmp in renamed:
        assert ("fsync", tmp) in events[: events.index(("rename", tmp))], f"{tmp} renamed without an fsync first"


@pytest.mark.parametrize("stage", ["write", "fsync", "rename"])
def test_a_failure_is_told_for_its_file_which_stays_absent_or_old_and_the_others_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("previous complete text\n", "utf-8")
    batch = [(tmp_path / "first.txt", "one\n"), (bad, "replacement\n"), (tmp_path / "last.txt", "three\n")]
    real_fsync, real_replace = os.fsync, os.replace
    fds: dict[int, str] = {}
    real_open = os.open
    boom = OSError(28, "No space left on device")

    if stage == "write":
        batch[1] = (bad, "\udc80 not encodable")             # the write of this file fails (UnicodeEncodeError)
    elif stage == "fsync":
        def tracked_open(path: os.PathLike[str] | str, *args: object, **kwargs: object) -> int:
            fd = real_open(path, *args, **kwargs)  # type: ignore[arg-type]
            fds[fd] = Path(path).name
            return fd

        def failing_fsync(fd: int) -> None:
            if ".bad.txt." in fds.get(fd, ""):
                raise boom
            real_fsync(fd)
        monkeypatch.setattr(files.os, "open", tracked_open)
        monkeypatch.setattr(files.os, "fsync", failing_fsync)
    else:
        def failing_replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
            if Path(dst) == bad:
                raise boom
            real_replace(src, dst)
        monkeypatch.setattr(files.os, "replace", failing_replace)

    errors = write_atomic_many(batch)
    assert errors[0] is None and errors[2] is None and errors[1] is not None
    if stage != "write":
        assert errors[1] is boom
    assert (tmp_path / "first.txt").read_text("utf-8") == "one\n"
    assert (tmp_path / "last.txt").read_text("utf-8") == "three\n"
    assert bad.read_text("utf-8") == "previous complete text\n"   # the old file whole, never half of the new
    assert leftovers(tmp_path) == []


def test_a_new_file_that_fails_is_absent(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", "utf-8")
    errors = write_atomic_many([(blocker / "inside.txt", "text\n"), (tmp_path / "ok.txt", "fine\n")])
    assert isinstance(errors[0], OSError) and errors[1] is None
    assert not (blocker / "inside.txt").exists() and (tmp_path / "ok.txt").read_text("utf-8") == "fine\n"
    assert leftovers(tmp_path) == []
