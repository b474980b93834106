"""Run the `casetracker` command with the clock stopped at a given moment: a test's way to
drive separate scheduler processes through a simulated day without sleeping.

    python -m tests.run_at 2026-11-24T09:00:00+08:00 scheduler --once
"""

import sys

import time_machine

from casetracker.cli import app


def main() -> None:
    with time_machine.travel(sys.argv[1], tick=False):
        app(sys.argv[2:])


if __name__ == "__main__":
    main()
