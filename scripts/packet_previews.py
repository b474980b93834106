"""Render the first page of each packet type to docs/packets/<type>.png (needs pdftoppm).

    .venv/bin/python scripts/packet_previews.py

Uses a throwaway SQLite database with the demo data, so the pictures show realistic cases.
"""

import subprocess
import tempfile
from pathlib import Path

import casetracker.case_types  # noqa: F401  (registers the case types)
from casetracker import demo
from casetracker.cases.models import Case
from casetracker.core import clock, migrations
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.settings import Settings
from casetracker.injury.case_type import CASE_TYPE as INJURY
from casetracker.packets import service as packet_service

OUT = Path(__file__).resolve().parents[1] / "docs" / "packets"
CASE_FOR = {"accident_report": 2, "recognition_application": 3, "case_summary": 4}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/preview.db"
        migrations.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            demo.load(session=session)
            for name in (spec.name for spec in INJURY.packets):
                case = session.get(Case, CASE_FOR[name])
                assert case is not None
                packet, _ = packet_service.generate(
                    session=session,
                    case=case,
                    packet_type=name,
                    actor=case.owner,
                    settings=Settings(
                        data_dir=Path(tmp),
                        company_name="上海申浦人力资源服务有限公司（演示）",
                        company_credit_code="91310000MA1FL4XX2C",
                    ),
                    now=clock.now(),
                )
                pdf = Path(tmp) / f"{name}.pdf"
                pdf.write_bytes(packet.content)
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "70",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(pdf),
                        str(OUT / name),
                    ],
                    check=True,
                )
                print(OUT / f"{name}.png")
        engine.dispose()


if __name__ == "__main__":
    main()
