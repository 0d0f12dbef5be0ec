"""The chromium the tests drive (Debian's package): missing, a test skips with the reason, or fails under
``CI=true`` (a CI machine must have it: .ci/system-deps installs it)."""

from __future__ import annotations

from tempo_crawler.render.browser import find_chromium
from tests.support.system_tools import required


def chromium_or_skip(missing: str = "browser") -> str:
    return required(*find_chromium(), missing)
