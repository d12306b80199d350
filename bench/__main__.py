"""Run every benchmark and print its figures: `python -m bench [--quick] [--profile]`.

The vault benchmark runs first; every other `bench/bench_*.py` module is then run through
its `main(quick=...)`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import time
from pathlib import Path

import bench
from bench import bench_vault
from bench.common import machine


def _other_benchmarks() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_") and m.name != "bench_vault"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run each")
    parser.add_argument("--profile", action="store_true", help="always print cProfile top lines")
    parser.add_argument("--json", type=Path, help="also write the vault figures to this file")
    parser.add_argument("--only", choices=["vault", *_other_benchmarks()], help="run just one")
    args = parser.parse_args()
    info = machine()
    print("# noteapp benchmarks")
    print(
        f"\n{time.strftime('%Y-%m-%d')}; {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, "
        f"Python {info['python']}, {info['os']}"
    )
    start = time.perf_counter()
    if args.only in (None, "vault"):
        figures = {
            "machine": info,
            "vault": bench_vault.run(quick=args.quick, profile=args.profile),
        }
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, default=str))
    for name in _other_benchmarks():
        if args.only in (None, name):
            print(f"\n# {name}\n", flush=True)
            importlib.import_module(f"bench.{name}").main(quick=args.quick)
    print(f"\n(all benchmarks: {time.perf_counter() - start:.0f} s wall, setup included)")


if __name__ == "__main__":
    main()
