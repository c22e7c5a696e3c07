"""Chaos benchmark: N randomised score runs through the service against the emulator.

Usage: python benchmarks/chaos.py --runs 200 [--seed 1]
Prints runs, faults injected by kind, collaborator edits by kind, retries, 409s and violations (must be 0).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.chaos import run_chaos


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    report = run_chaos(args.runs, args.seed)
    print(f"runs: {report.runs} in {time.perf_counter() - started:.1f} s")
    print("faults injected: " + ", ".join(f"{k} {v}" for k, v in sorted(report.faults.items())))
    print("collaborator edits: " + ", ".join(f"{k} {v}" for k, v in sorted(report.edits.items())))
    print(f"retries: {report.retries}; concurrent second runs refused with 409: {report.conflicts}")
    print(f"violations: {len(report.violations)}")
    for violation in report.violations[:20]:
        print("  " + violation)
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
