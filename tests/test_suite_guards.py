"""The guards that keep the suite from shrinking silently (tests/conftest.py): reading the workplace's
shared/ folder fails the test, and a whole run that collects fewer than SUITE_FLOOR tests fails."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest


def test_reading_shared_beside_the_repository_fails() -> None:
    shared = Path(conftest.OUTSIDE[0])
    assert shared == conftest.REPO.parent / "shared"
    for attempt in (lambda: open(shared / "notes.md"), lambda: os.listdir(shared),  # noqa: SIM115
                    lambda: os.scandir(shared / "tempo")):
        with pytest.raises(PermissionError, match="tests read only the repository"):
            attempt()
    # a sibling whose name only starts like it is not shared/
    with pytest.raises(FileNotFoundError):
        open(conftest.REPO.parent / "shared-not" / "x")  # noqa: SIM115


def _config(*args: str, **options: Any) -> Any:
    base = {"keyword": "", "markexpr": "", "deselect": None, "ignore": None, "ignore_glob": None, "lf": False}
    return SimpleNamespace(option=SimpleNamespace(**{**base, **options}), rootpath=conftest.REPO,
                           args=list(args), getini=lambda name: ["tests"], stash={})


@pytest.mark.parametrize(("args", "options", "whole"), [
    ((), {}, True),
    (("tests",), {}, True),
    ((str(conftest.REPO),), {}, True),
    (("tests/text",), {}, False),
    (("tests/text/test_text.py::test_x",), {}, False),
    ((), {"keyword": "lexicon"}, False),
    ((), {"markexpr": "not crawl"}, False),
    ((), {"deselect": ["tests/test_readme.py"]}, False),
    ((), {"ignore": ["tests/commands"]}, False),
    ((), {"lf": True}, False),
])
def test_only_a_whole_run_is_held_to_the_floor(args: tuple[str, ...], options: dict[str, Any], whole: bool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(conftest.REPO)
    assert conftest._whole_suite(_config(*args, **options)) is whole


@pytest.mark.parametrize(("collected", "fails"), [(conftest.SUITE_FLOOR - 1, True), (conftest.SUITE_FLOOR, False)])
def test_a_whole_run_below_the_floor_fails(collected: int, fails: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(conftest.REPO)
    session = SimpleNamespace(config=_config(), items=[None] * collected, exitstatus=pytest.ExitCode.OK)
    conftest.pytest_collection_finish(session)  # type: ignore[arg-type]
    conftest.pytest_sessionfinish(session, pytest.ExitCode.OK)  # type: ignore[arg-type]
    assert (session.exitstatus == pytest.ExitCode.TESTS_FAILED) is fails
    if fails:
        assert f"only {collected} tests collected" in session.config.stash[conftest._SHORT]

