"""`make bench`: run every benchmark module in bench/ (each has ``main(argv) -> None``).

``python -m bench network_radius [ARGS…]`` runs one, passing it ARGS; ``python -m bench NAME
--help`` prints that module's docstring (its usage) and runs nothing. Each module runs in its
own process, so each can configure Django (SQLite or PostgreSQL, its own scratch database) as
it needs. Figures go to stdout; the write-up with measured numbers is docs/benchmarks.md.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv[:1] or sorted(
        m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_")
    )
    args = argv[1:]
    if names and ("--help" in args or "-h" in args):
        import importlib

        print(importlib.import_module(f"bench.{names[0]}").__doc__ or f"bench {names[0]}")
        return 0
    failed = []
    for name in names:
        print(f"== bench {name}", flush=True)
        code = f"import sys, bench.{name} as b; b.main(sys.argv[1:])"
        result = subprocess.run([sys.executable, "-c", code, *args], cwd=HERE.parent, check=False)
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
