"""Developer tools run from the command line: ``python -m casetracker.devtools layers``."""
