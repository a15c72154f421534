"""`make bench`: run every benchmark section, each in its own process.

`python -m bench` runs them all; `python -m bench alerts pages` runs those
named. A section is a module `bench/<name>.py` with a `main()` that prints
its figures; add yours to SECTIONS. Each runs in a fresh interpreter because
each sets up Django with its own environment (database, settings).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SECTIONS = ["pages", "guides", "api", "alerts", "sms", "imports"]
HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or [name for name in SECTIONS if (HERE / f"{name}.py").exists()]
    unknown = [name for name in names if not (HERE / f"{name}.py").exists()]
    if unknown:
        print(f"bench: no such section: {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
        return 2
    failed = []
    for name in names:
        print(f"=== bench {name} ===", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"bench: failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
