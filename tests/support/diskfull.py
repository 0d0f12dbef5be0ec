"""Full and read-only disks for write-failure tests: a real tiny ``tmpfs`` where mounting is allowed (root in
a container that permits it), else the same failures injected into the crawl subprocess (``inject/``).

``DiskFaults(root).full(dir, size)`` makes ``dir`` a filesystem of ``size`` bytes (or, injected, one that
refuses writes past that many bytes); ``.grow(dir)`` gives it room again; ``.read_only(dir)`` /
``.writable(dir)`` toggle writes; ``.env`` is what the crawl subprocess needs; ``.close()`` unmounts.
``TEMPO_TEST_DISK=inject`` forces injection (to test that path where mounting works).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

INJECT = Path(__file__).parent / "inject"


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


class DiskFaults:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.mounted: list[Path] = []
        self.rules: dict[str, dict[str, object]] = {}
        self.real = os.environ.get("TEMPO_TEST_DISK") != "inject" and self._can_mount()

    def _can_mount(self) -> bool:
        probe = self.root / ".mount-probe"
        probe.mkdir(parents=True, exist_ok=True)
        if not _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)):
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True

    @property
    def kind(self) -> str:
        return "tmpfs" if self.real else "injected"

    @property
    def env(self) -> dict[str, str]:
        if self.real:
            return {}
        return {"PYTHONPATH": os.pathsep.join([str(INJECT), os.environ.get("PYTHONPATH", "")]),
                "TEMPO_TEST_DISK_RULES": json.dumps(self.rules)}

    def full(self, path: Path, size: int) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.real:
            assert _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)), f"cannot mount on {path}"
            self.mounted.append(path)
        else:
            self.rules[str(path)] = {"budget": size}

    def grow(self, path: Path, size: int = 16 << 20) -> None:
        if self.real:
            assert _mount("-o", f"remount,size={size}", str(path))
        else:
            self.rules.pop(str(path), None)

    def read_only(self, path: Path) -> None:
        if self.real:
            if path not in self.mounted:
                self.full(path, 16 << 20)
            assert _mount("-o", "remount,ro", str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            self.rules[str(path)] = {"read_only": True}

    def writable(self, path: Path) -> None:
        if self.real:
            assert _mount("-o", "remount,rw", str(path))
        else:
            self.rules.pop(str(path), None)

    def close(self) -> None:
        for path in reversed(self.mounted):
            subprocess.run(["umount", "-l", str(path)], capture_output=True)
        self.mounted.clear()
