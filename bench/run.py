"""Run one benchmark by name: ``python bench/run.py registration [ARGS...]``.

Runs ``bench/bench_<name>.py`` with the remaining arguments; without a name it lists them.
``make bench`` runs every benchmark, ``make bench-<name>`` one of them.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in BENCH_DIR.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        print("benchmarks:", ", ".join(available()) or "(none)")
        return 0
    name, rest = argv[0], argv[1:]
    script = BENCH_DIR / f"bench_{name}.py"
    if not script.exists():
        print(f"no benchmark {name!r}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    sys.argv = [str(script), *rest]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
