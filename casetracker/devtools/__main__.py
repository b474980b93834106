"""``python -m casetracker.devtools layers [--root DIR]``: exit 0 when clean, 1 on violations."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from casetracker.devtools import layers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casetracker.devtools")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("layers", help="check the import layering of casetracker/")
    check.add_argument(
        "--root",
        type=Path,
        default=layers.PROJECT_ROOT,
        help="directory holding the casetracker package (default: this checkout)",
    )
    args = parser.parse_args(argv)
    report = layers.check(args.root)
    print(report.render())
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
