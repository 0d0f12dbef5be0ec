"""Run ``scrapy`` commands as an operator does, from a project folder of their own: a temporary folder with
the project's ``scrapy.cfg``, so every relative path (``output/``, ``urls.txt``) lands there and what a
command wrote can be listed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.crawl import ROOT


def make_project(folder: Path) -> Path:
    """``folder`` with the project's ``scrapy.cfg`` (and nothing else)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scrapy.cfg", folder / "scrapy.cfg")
    return folder


def scrapy(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m scrapy <args>`` in ``project``, output captured, no stdin."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: relative path → SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
