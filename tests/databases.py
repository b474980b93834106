"""Throwaway databases for a test run, on whichever backend CASETRACKER_DATABASE_URL names.

SQLite (the default): a file in a temporary directory. PostgreSQL: a new database created
beside the one in the URL and dropped afterwards, so runs never see each other.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text


def backend_url() -> str:
    return os.environ.get("CASETRACKER_DATABASE_URL", "")


def is_postgres() -> bool:
    return backend_url().startswith("postgresql")


@contextmanager
def throwaway_database(tmp_dir: Path, label: str) -> Iterator[str]:
    """Yield the URL of a new empty database; remove it afterwards."""
    base = backend_url()
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_dir / f'{label}.db'}"
        return
    name = f"ct_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
