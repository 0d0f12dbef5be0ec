"""``make mutants``'s summary: per module of the mutated code, how many mutants the fast tests killed and which
survived, read from mutmut's result files (``mutants/**/*.py.meta``). ``python -m tests.support.mutants [-v]
[RESULTS_DIR]``; ``-v`` lists every surviving mutant with the line it changes (as ``mutmut show`` would)."""

from __future__ import annotations

import ast
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): 1 and 3 killed, 0 survived, 5/33 no test covers the code, the rest
# timeouts (a mutant that makes a test hang is caught: counted with the killed in the score).
KILLED, SURVIVED, NO_TESTS, TIMEOUT = {1, 3}, {0}, {5, 33}, {24, 36, 152, 255, -24}


def status(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code in TIMEOUT:
        return "timeout"
    return "not checked" if code is None else "other"


def summary(root: Path = Path("mutants")) -> tuple[dict[str, Counter[str]], list[str]]:
    """``({module: Counter(status)}, [surviving mutant names])`` over every result file under ``root``."""
    counts: dict[str, Counter[str]] = {}
    survivors = []
    for meta in sorted(root.glob("tempo_crawler/**/*.py.meta")):
        codes = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
        if not any(c is not None for c in codes.values()):
            continue
        module = str(meta.relative_to(root))[: -len(".meta")]
        counts[module] = Counter(status(c) for c in codes.values())
        survivors += sorted(k for k, c in codes.items() if status(c) in ("survived", "no tests"))
    return counts, survivors


def changed_line(root: Path, name: str) -> str:
    """The line a mutant changes, ``old  =>  new`` (whitespace collapsed), read from mutmut's copy of the module:
    the mutant's function beside the original (``…__mutmut_orig``)."""
    module, func = name.rsplit(".", 1)
    source = (root / (module.replace(".", "/") + ".py")).read_text("utf-8")
    base = func.rsplit("__mutmut_", 1)[0]
    found = {n.name: ast.get_source_segment(source, n) or "" for n in ast.walk(ast.parse(source))
             if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name in (func, base + "__mutmut_orig")}
    old = found.get(base + "__mutmut_orig", "").splitlines()[1:]
    new = found.get(func, "").splitlines()[1:]
    removed = [" ".join(x[1:].split()) for x in difflib.ndiff(old, new) if x.startswith("- ")]
    added = [" ".join(x[1:].split()) for x in difflib.ndiff(old, new) if x.startswith("+ ")]
    return f"{' / '.join(removed)}  =>  {' / '.join(added) or '(removed)'}"


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "-v"]
    counts, survivors = summary(Path(args[0]) if args else Path("mutants"))
    if not counts:
        print("no mutmut results under mutants/: run `make mutants` first")
        return 1
    total = Counter[str]()
    for module, c in [*counts.items(), ("all", None)]:
        if c is None:
            c = total
        else:
            total.update(c)
        caught = c["killed"] + c["timeout"]
        checked = caught + c["survived"] + c["no tests"]
        print(f"{module:45} {c['killed']:5} killed {c['timeout']:3} timeout {c['survived']:4} survived "
              f"{c['no tests']:4} untested  score {100 * caught / max(checked, 1):5.1f}% of {checked}")
    if "-v" in argv:
        root = Path(args[0]) if args else Path("mutants")
        for name in survivors:
            print(f"{name}\t{changed_line(root, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
