"""The chromium the tests drive (Debian's package): missing, a test skips with the reason, or fails under
``CI=true`` (a CI machine must have it: .ci/system-deps installs it)."""

from __future__ import annotations

import os

import pytest

from tempo_crawler.render.browser import find_chromium


def chromium_or_skip() -> str:
    path, why = find_chromium()
    if path is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(f"CI=true and no browser: {why}", pytrace=False)
        pytest.skip(f"no browser: {why} (under CI=true this fails)")
    return path
