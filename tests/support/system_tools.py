"""System tools some tests need (Debian's chromium and redis-server; .ci/system-deps installs both): missing,
a test skips with the reason, or fails under ``CI=true``, where every test must run."""

from __future__ import annotations

import os

import pytest


def required(found: str | None, why: str, missing: str) -> str:
    """``found`` (the tool's path); None: fail under ``CI=true``, else skip, naming ``missing`` and ``why``."""
    if found is not None:
        return found
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(f"CI=true and no {missing}: {why}", pytrace=False)
    pytest.skip(f"no {missing}: {why} (under CI=true this fails)")
