"""The README runs as written: every line of its ```bash blocks is run, in README order, in one shell (as a
user pastes them into one terminal: ``. .venv/bin/activate`` holds for what follows), in a copy of the
project whose ``.venv`` is this test run's virtualenv. The rules, applied to every line alike:

* a line whose comment says ``needs the live site``, ``the whole test suite`` or ``needs a Redis server`` is
  not run (no machine here reaches tempo.co; the suite does not run itself; a Redis server at the README's
  address is a placeholder — tests/distributed/ run workers against a real one);
* every ``scrapy`` command gets ``-s TEMPO_BASE_URL=<the replica>`` and the replica's speed settings
  appended, and every tempo.co URL in a line points at the replica (``tests/replica/server.py`` ``rewrite``):
  so it needs no network;
* ``make`` does not reinstall (``-o .venv/.installed``): the copy's ``.venv`` is already installed;
* a line whose comment says ``exit status N`` must exit with N; every other line with 0.

The shell starts without ``scrapy`` on its PATH, so a command the README runs before saying how to enter
the virtualenv fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.replica.server import rewrite
from tests.support.crawl import ROOT

pytestmark = pytest.mark.crawl
README = ROOT / "README.md"
SKIP = ("needs the live site", "the whole test suite", "needs a Redis server")
FAST = ("-s AUTOTHROTTLE_ENABLED=False -s DOWNLOAD_DELAY=0 -s CONCURRENT_REQUESTS_PER_DOMAIN=16 "
        "-s REMOTE_CONTROL_ENABLED=False")
SCRAPY = re.compile(r"^(?:\S*/)?scrapy\s")
MAKE = re.compile(r"^make\s")
EXIT = re.compile(r"exit status (\d+)")


@dataclass
class Line:
    number: int     # in README.md
    command: str
    comment: str


def split_comment(line: str) -> tuple[str, str]:
    """``command  # comment`` → (command, comment); a ``#`` inside quotes or a word is not a comment."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def bash_lines(text: str) -> list[Line]:
    lines, in_block = [], False
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("```"):
            in_block = raw.strip() == "```bash" if not in_block else False
            continue
        if in_block and raw.strip():
            command, comment = split_comment(raw.strip())
            if command:
                lines.append(Line(number, command, comment))
    return lines


def runnable(line: Line, origin: str) -> str:
    command = rewrite(line.command, origin)
    if SCRAPY.match(command):
        command += f" -s TEMPO_BASE_URL={origin} {FAST}"
    elif MAKE.match(command):
        command = "make -o .venv/.installed -o .venv/.installed-test" + command[len("make"):]
    return command


def script(lines: list[Line], origin: str) -> str:
    out = ["set -u"]
    for line in lines:
        if any(s in line.comment for s in SKIP):
            continue
        want = int(m.group(1)) if (m := EXIT.search(line.comment)) else 0
        out += [runnable(line, origin), "rc=$?",
                f'echo "README.md:{line.number}: exit $rc" >&2',
                f'if [ "$rc" != "{want}" ]; then echo "README.md:{line.number}: expected exit {want}" >&2; exit 97; fi']
    return "\n".join(out) + "\n"


def project_copy(target: Path) -> Path:
    """The repository's tracked files (mtimes kept, so make sees nothing to rebuild) and ``.venv``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    names = [n for n in listed.stdout.decode().split("\0") if n] if listed.returncode == 0 else [
        str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
        if p.is_file() and not {".git", ".venv", "output", "__pycache__"} & set(p.relative_to(ROOT).parts)]
    for name in names:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    venv = target / ".venv"
    if sys.prefix != sys.base_prefix:
        venv.symlink_to(sys.prefix, target_is_directory=True)
    else:   # not run from a virtualenv: one whose activate puts this interpreter's scripts on PATH
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "activate").write_text(f'PATH="{Path(sys.executable).parent}:$PATH"\n', "utf-8")
    return target


def test_readme_has_commands_of_every_kind() -> None:
    lines = bash_lines(README.read_text("utf-8"))
    commands = " ".join(x.command for x in lines)
    for needed in ("make crawl", ". .venv/bin/activate", "scrapy crawl world", "-O items.json", "urls_file=",
                   "scrapy parse", "scrapy check", "scrapy state show", "scrapy list", "TEMPO_OUTPUT="):
        assert needed in commands, needed
    assert any(EXIT.search(x.comment) for x in lines)
    activate = next(x.number for x in lines if x.command.startswith(". .venv/bin/activate"))
    assert all(x.number > activate for x in lines if x.command.startswith("scrapy"))


def test_split_comment_keeps_quoted_hashes() -> None:
    assert split_comment("printf '# a\\n' > f.txt   # makes f") == ("printf '# a\\n' > f.txt", "makes f")
    assert split_comment("scrapy crawl world") == ("scrapy crawl world", "")


def test_every_readme_command_runs(tmp_path: Path, replica) -> None:  # noqa: ANN001
    project = project_copy(tmp_path / "clone")
    path = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                           if d and not (Path(d) / "scrapy").exists())   # scrapy only once the README says so
    env = {**{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "SCRAPY_SETTINGS_MODULE")},
           "PATH": path}
    proc = subprocess.run(["bash", "-c", script(bash_lines(README.read_text("utf-8")), replica.origin)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=1500,
                          stdin=subprocess.DEVNULL)
    statuses = [x for x in proc.stderr.splitlines() if x.startswith("README.md:")]
    assert proc.returncode == 0, "\n".join(statuses[-5:]) + "\n" + proc.stderr[-4000:]
    assert len(statuses) >= 12
    assert "Traceback" not in proc.stderr
