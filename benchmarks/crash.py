"""Crash trials: SIGKILL the service at random points of a run; owned columns are never half-written.

Usage: python benchmarks/crash.py --trials 50 [--seed 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.crash import run_crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    report = run_crashes(args.trials, args.seed)
    print(f"trials: {report.trials} in {time.perf_counter() - started:.1f} s")
    print(f"killed before the write landed: {report.killed_before_write}; after: {report.killed_after_write} "
          f"(of which inside the write, its answer pending: {report.killed_in_write})")
    print(f"killed while holding the lease (a second run got 409 until it expired): {report.lease_held}")
    print(f"next run gave the fault-free result: {report.recovered}/{report.trials}")
    print(f"violations: {len(report.violations)}")
    for violation in report.violations[:20]:
        print("  " + violation)
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
