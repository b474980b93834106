"""Benchmark: a 10-page recognition packet with two attachments, warm.

Prints the packet pipeline (context, HTML, WeasyPrint, laying the uploaded PDF pages into
place) beside WeasyPrint alone on the same HTML, both measured in this run. Targets: the
packet in at most 1 s, and at most 1.3x WeasyPrint alone.

    .venv/bin/python benchmarks/packet_render.py [--rounds 10]

Runs on a throwaway SQLite database (the database is not what is measured).
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import casetracker.case_types  # noqa: E402, F401  (registers the case types)
from casetracker.auth import service as auth_service  # noqa: E402
from casetracker.auth.models import Role  # noqa: E402
from casetracker.cases import service as case_service  # noqa: E402
from casetracker.core import clock, migrations  # noqa: E402
from casetracker.core.clock import CHINA_TZ  # noqa: E402
from casetracker.core.db import make_engine, make_sessionmaker  # noqa: E402
from casetracker.core.settings import Settings  # noqa: E402
from casetracker.injury.case_type import CASE_TYPE as INJURY  # noqa: E402
from casetracker.materials import service as materials_service  # noqa: E402
from casetracker.packets import render  # noqa: E402
from casetracker.packets import service as packet_service  # noqa: E402
from casetracker.people.models import Client, Region  # noqa: E402

TARGET_SECONDS, TARGET_RATIO = 1.0, 1.3


def median_seconds(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm: fonts loaded, templates compiled
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def four_page_pdf(marker: str) -> bytes:
    style = (
        f'<style>@font-face {{ font-family: S; src: url("{render.font_path().as_uri()}"); }}'
        "body { font-family: S; font-size: 14pt; }</style>"
    )
    body = "".join(
        f'<p style="page-break-after: always">{marker} 第 {n} 页：' + "病历记录" * 60 + "</p>"
        for n in range(1, 5)
    )
    return render.pdf_from_html(f"<html><head>{style}</head><body>{body}</body></html>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrations.upgrade(url)
        engine = make_engine(url)
        session = make_sessionmaker(engine)()
        region = Region(name="上海市", is_local=True)
        session.add(region)
        session.flush()
        client = Client(
            name="上海浦江精密机械有限公司",
            credit_code="91310000MA1FL4XX2C",
            default_region_id=region.id,
            created_at=clock.now(),
        )
        session.add(client)
        user = auth_service.add_user(
            session=session,
            username="bench",
            role=Role.SPECIALIST,
            password="bench-password",
            display_name="张丽",
        )
        session.flush()
        case = case_service.open_case(
            session=session,
            case_type="injury",
            client_id=client.id,
            region_id=region.id,
            owner=user,
            event_at=datetime(2026, 11, 20, 22, 30, tzinfo=CHINA_TZ),
            now=clock.now(),
            title="李秀英 工伤",
        )
        for item, marker in (("medical_diagnosis", "诊断证明"), ("labour_contract", "劳动合同")):
            materials_service.attach(
                session=session,
                case=case,
                item_code=item,
                filename=f"{marker}.pdf",
                content=four_page_pdf(marker),
                actor=user,
                now=clock.now(),
            )
        session.flush()
        spec = INJURY.packet("recognition_application")
        assert spec is not None
        settings = Settings(
            data_dir=Path(tmp),
            company_name="上海申浦人力资源服务有限公司（演示）",
            company_credit_code="91310000MA1FL4XX2C",
        )

        def packet() -> tuple[bytes, int]:
            values, plans = packet_service.context(
                session=session,
                case=case,
                spec=spec,
                actor=user,
                settings=settings,
                now=clock.now(),
            )
            return render.assemble(render.html(spec.forms, values, plans), plans)

        values, plans = packet_service.context(
            session=session, case=case, spec=spec, actor=user, settings=settings, now=clock.now()
        )
        same_html = render.html(spec.forms, values, plans)
        pages = packet()[1]
        ours = median_seconds(packet, args.rounds)
        floor = median_seconds(lambda: render.pdf_from_html(same_html), args.rounds)
        session.close()
        engine.dispose()
    ratio = ours / floor
    ok = ours <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"packet: {pages} pages, 2 attachments of 4 pages")
    print(f"floor  (WeasyPrint alone, same HTML): {floor * 1000:7.0f} ms  1.00x")
    print(
        f"packet (context + render + merge)   : {ours * 1000:7.0f} ms  {ratio:.2f}x "
        f"(targets <= {TARGET_SECONDS:.1f} s and <= {TARGET_RATIO}x): "
        f"{'OK' if ok else 'TOO SLOW'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
