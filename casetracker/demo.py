"""`casetracker demo`: a realistic, deterministic demo set, loaded idempotently.

Natural keys (region name, sales rep name, credit code, client + ID number, username) decide
whether a row exists, so running it twice duplicates nothing. The demo users' passwords are
reset to fresh random ones on every run and returned, so the printed ones always work.
"""

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.core import clock
from casetracker.core.identifiers import is_valid_id_number, ric_check_char, uscc_check_char
from casetracker.injury.case_type import regional_terms
from casetracker.people.models import Client, InsuredPerson, Region, SalesRep

REGIONS = [  # name, 本市, cut-off day, report window (h), written report (working days)
    ("上海市", True, 15, 24, 5),
    ("苏州市", False, 20, 24, 3),
    ("杭州市", False, 25, 72, 5),
]
AREA_PHONE = ("021", "0512", "0571")  # 上海, 苏州, 杭州
SALES_REPS = [
    ("周建国", "13816620001"),
    ("吴晓梅", "13916620002"),
    ("郑海涛", "13761620003"),
    ("冯丽娟", "18621620004"),
]
CLIENTS = [  # name, region index, contact
    ("上海浦江精密机械有限公司", 0, "陈经理"),
    ("上海申城物流有限公司", 0, "李主管"),
    ("上海东方餐饮管理有限公司", 0, "王女士"),
    ("上海华亭物业服务有限公司", 0, "赵经理"),
    ("上海博远电子科技有限公司", 0, "孙主管"),
    ("苏州工业园区新锐制造有限公司", 1, "周经理"),
    ("苏州吴中恒达包装有限公司", 1, "钱女士"),
    ("昆山同创汽车零部件有限公司", 1, "蒋主管"),
    ("杭州西溪仓储服务有限公司", 2, "沈经理"),
    ("杭州滨江智联客服有限公司", 2, "韩女士"),
]
USERS = [  # username, display name, role
    ("zhangli", "张丽", Role.SPECIALIST),
    ("wangqiang", "王强", Role.SUPERVISOR),
    ("admin", "系统管理员", Role.ADMIN),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国红梅志强玉兰海燕晓东春燕丹凯鹏飞雪莉宇航子涵欣怡浩然梓萱俊杰"  # noqa: E501
AREA_CODES = [
    "310101",
    "310104",
    "310110",
    "320583",
    "330106",
    "340102",
    "410102",
    "420106",
    "510107",
    "362201",
    "130102",
    "370202",
]
INSURED_COUNT = 300


@dataclass
class DemoResult:
    passwords: dict[str, str]
    regions: int
    clients: int
    insured: int


def _credit_code(rng: random.Random, region_index: int) -> str:
    admin_code = ("310115", "320506", "330108")[region_index]
    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = "91" + admin_code + org
    return first17 + uscc_check_char(first17)


def _id_number(rng: random.Random, used: set[str]) -> str:
    while True:
        born = date(1968, 1, 1) + timedelta(days=rng.randrange(0, 365 * 36))
        first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + ric_check_char(first17)
        if number not in used and is_valid_id_number(number):
            used.add(number)
            return number


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def load(*, session: Session) -> DemoResult:
    rng = random.Random(20261124)  # deterministic: the same demo on every machine
    now = clock.now()
    passwords: dict[str, str] = {}
    users: dict[str, User] = {}
    for username, display_name, role in USERS:
        password = secrets.token_urlsafe(9)
        user = auth_service.get_user(session=session, username=username)
        if user is None:
            user = auth_service.add_user(
                session=session,
                username=username,
                role=role,
                password=password,
                display_name=display_name,
            )
        else:
            auth_service.set_password(session=session, user=user, password=password, actor=None)
        users[username] = user
        passwords[username] = password

    regions: list[Region] = []
    for name, is_local, cutoff, hours, days in REGIONS:
        region = session.scalar(select(Region).where(Region.name == name))
        if region is None:
            region = Region(name=name, is_local=is_local, cutoff_day=cutoff)
            session.add(region)
            session.flush()
            session.add_all(regional_terms(region, report_hours=hours, written_days=days))
        regions.append(region)
    reps: list[SalesRep] = []
    for name, phone in SALES_REPS:
        rep = session.scalar(select(SalesRep).where(SalesRep.name == name))
        if rep is None:
            rep = SalesRep(name=name, phone=phone)
            session.add(rep)
        reps.append(rep)
    session.flush()

    clients: list[Client] = []
    for index, (name, region_index, contact) in enumerate(CLIENTS):
        code = _credit_code(rng, region_index)
        phone = f"6{index:03d}{rng.randrange(1000, 9999)}"  # drawn every run: same stream
        client = session.scalar(select(Client).where(Client.name == name))
        if client is None:
            client = Client(
                name=name,
                credit_code=code,
                contact_name=contact,
                contact_phone=f"{AREA_PHONE[region_index]}-{phone}",
                address="",
                sales_rep_id=reps[index % len(reps)].id,
                owner_id=users["zhangli"].id,
                default_region_id=regions[region_index].id,
                created_at=now,
            )
            session.add(client)
        clients.append(client)
    session.flush()

    used: set[str] = set()
    existing = {
        (c, n) for c, n in session.execute(select(InsuredPerson.client_id, InsuredPerson.id_number))
    }
    for index in range(INSURED_COUNT):
        client = clients[index % len(clients)]
        id_number = _id_number(rng, used)
        hire_on = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 365 * 7 + 300))
        leave_on = hire_on + timedelta(days=rng.randrange(30, 900)) if rng.random() < 0.15 else None
        base = Decimal(rng.randrange(7310, 36921)).quantize(Decimal("1.00"))
        name = _name(rng)
        phone = f"13{rng.randrange(0, 10)}{rng.randrange(10**8):08d}"
        if (client.id, id_number) in existing:
            continue
        session.add(
            InsuredPerson(
                name=name,
                id_number=id_number,
                client_id=client.id,
                region_id=client.default_region_id,
                hire_on=hire_on,
                leave_on=leave_on,
                contribution_base=base,
                phone=phone,
                created_at=now,
            )
        )
    session.flush()
    _wage_standards(session, regions, users["admin"], now)
    _demo_cases(session, clients, users)
    from casetracker.reconcile import demo as reconcile_demo

    reconcile_demo.load(session=session, owner=users["zhangli"], now=now)
    count = session.scalar(select(func.count()).select_from(InsuredPerson)) or 0
    return DemoResult(
        passwords=passwords, regions=len(regions), clients=len(clients), insured=count
    )


# Each region's wage figures in force (illustrative, of the order published): average
# monthly wage, minimum monthly wage.
WAGES = {"上海市": ("12183.00", "2690.00"), "苏州市": ("10127.00", "2490.00"),
         "杭州市": ("10877.00", "2490.00")}  # fmt: skip


def _wage_standards(session: Session, regions: list[Region], admin: User, now: datetime) -> None:
    from casetracker.benefits.models import WageStandard

    year = clock.local(now).year
    for region in regions:
        average, minimum = WAGES.get(region.name, ("10000.00", "2490.00"))
        for in_force in (year - 1, year):
            exists = session.scalar(
                select(WageStandard.id).where(
                    WageStandard.region_id == region.id, WageStandard.year == in_force
                )
            )
            if exists is None:
                session.add(
                    WageStandard(
                        region_id=region.id,
                        year=in_force,
                        average_monthly_wage=Decimal(average),
                        minimum_wage=Decimal(minimum),
                        updated_by_id=admin.id,
                        updated_at=now,
                    )
                )
    session.flush()


# (hours before now the accident happened, transitions to fire as (name, fields by days ago))
DEMO_CASES: list[tuple[int, list[tuple[str, dict[str, int]]]]] = [
    (5, []),
    (30, [("file_report", {"filed_at": 1})]),
    (
        24 * 20,
        [
            ("file_report", {"filed_at": 19}),
            ("submit_application", {"submitted_on": 12}),
            ("accept", {"accepted_on": 8}),
        ],
    ),
    (
        24 * 40,
        [
            ("file_report", {"filed_at": 39}),
            ("submit_application", {"submitted_on": 30}),
            ("accept", {"accepted_on": 25}),
            ("suspend", {"suspended_on": 10}),
        ],
    ),
    (24 * 35, []),
]


DEMO_ACCIDENTS = [
    ("二号车间冲压线", "操作冲床时右手被模具夹伤", "右手食指、中指", "上海市第六人民医院"),
    ("仓库三号货架区", "搬运货物时从梯子上滑落，扭伤腰部", "腰部", "上海市第一人民医院"),
    ("员工餐厅后厨", "清洗炉灶时被热油烫伤", "左前臂", "瑞金医院"),
    ("上班途中（非本人主要责任交通事故）", "骑电动车上班途中被机动车刮倒", "右小腿", "仁济医院"),
    ("物业巡查区域", "巡查时在湿滑地面摔倒", "右腕", "华山医院"),
]


def _demo_cases(session: Session, clients: list[Client], users: dict[str, User]) -> None:
    """A few injury cases at different stages, so the desk shows something real."""
    from casetracker.cases import service as case_service
    from casetracker.cases.models import Case
    from casetracker.injury.models import InjuryDetails

    if session.scalar(select(func.count()).select_from(Case).where(Case.title.like("演示：%"))):
        return
    now = clock.now()
    owner = users["zhangli"]
    for index, (hours_ago, steps) in enumerate(DEMO_CASES):
        client = clients[index % len(clients)]
        person = session.scalars(
            select(InsuredPerson)
            .where(InsuredPerson.client_id == client.id)
            .order_by(InsuredPerson.id)
        ).first()
        accident_at = now - timedelta(hours=hours_ago)
        case = case_service.open_case(
            session=session,
            case_type="injury",
            client_id=client.id,
            region_id=client.default_region_id,
            owner=owner,
            now=now,
            insured_id=person.id if person else None,
            event_at=accident_at,
            title=f"演示：{person.name if person else client.name} 工伤",
        )
        place, what, part, hospital = DEMO_ACCIDENTS[index % len(DEMO_ACCIDENTS)]
        session.add(
            InjuryDetails(
                case_id=case.id,
                accident_at=accident_at,
                place=place,
                description=what,
                injured_part=part,
                hospital=hospital,
                reporter_name=client.contact_name,
                reporter_contact=client.contact_phone,
            )
        )
        for name, fields in steps:
            if name == "submit_application":  # a real application needs its documents
                attach_required_documents(session=session, case=case, actor=owner, now=now)
            values: dict[str, object] = {
                field: (now - timedelta(days=days_ago)).isoformat()
                if field.endswith("_at")
                else _day(now, days_ago)
                for field, days_ago in fields.items()
            }
            if name == "suspend":
                values["reason"] = "等待劳动仲裁结果"
            _fire(session, case, name, values, owner, now)
        if index == 3:
            _demo_claim(session, case, owner, now)


# The accepted injury's medical invoices: number, days before today it was issued, amount.
DEMO_INVOICES = (
    ("0031260101", 36, "1286.40"),
    ("0031260102", 30, "342.75"),
    ("26312000000031260103", 24, "88.20"),
    ("0031260104", 3, "215.00"),
)


def _demo_claim(session: Session, injury: Any, owner: User, now: datetime) -> None:
    """Its invoices, three of them in a claim approved for less, paid and posted today (so
    the ledger has this month's line), the originals still to collect; the newest invoice
    waiting for the next claim."""
    from decimal import Decimal

    from casetracker.reimbursement import claims, invoices
    from casetracker.reimbursement.models import InvoiceKind

    rows = [
        invoices.add(
            session=session,
            case=injury,
            code="" if len(number) == 20 else "31060124",
            number=number,
            issued_on=date.fromisoformat(_day(now, days_ago)),
            hospital="上海市第一人民医院",
            amount=Decimal(amount),
            kind=InvoiceKind.PHARMACY if len(number) == 20 else InvoiceKind.OUTPATIENT,
            actor=owner,
            now=now,
        )
        for number, days_ago, amount in DEMO_INVOICES
    ]
    claim = claims.open_claim(
        session=session, injury=injury, invoice_ids=[r.id for r in rows[:3]], actor=owner, now=now
    )
    approved = {str(rows[0].id): "1200.00", str(rows[1].id): "342.75"}
    steps: tuple[tuple[str, Mapping[str, object]], ...] = (
        ("submit", {"submitted_on": _day(now, 20)}),
        (
            "approve",
            {
                "approved_on": _day(now, 6),
                "approved": approved,
                "rejection_reason": "自费药品不予报销",
            },
        ),
        ("pay", {"paid_on": _day(now, 1), "paid_amount": "1542.75"}),
        ("post", {"posted_on": _day(now, 0), "reference": "记-演示-0001"}),
    )
    for name, values in steps:
        _fire(session, claim, name, values, owner, now)


def _day(now: datetime, days_ago: int) -> str:
    """The China date `days_ago` days before `now`, as a date field takes it."""
    return (now - timedelta(days=days_ago)).astimezone(clock.CHINA_TZ).date().isoformat()


def _fire(
    session: Session, case: Any, name: str, values: Mapping[str, object], actor: User, now: datetime
) -> None:
    from casetracker.cases import service as case_service

    case_service.fire(
        session=session,
        case=case,
        transition=name,
        version=case.version,
        raw_fields=dict(values),
        actor=actor,
        now=now,
    )


def blank_pdf() -> bytes:
    """A one-page A4 PDF standing in for a scanned document in the demo."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attach_required_documents(*, session: Session, case: Any, actor: User, now: datetime) -> None:
    """Upload a blank one-page PDF for every required checklist item of the case."""
    from casetracker.materials import service as materials_service

    blank = blank_pdf()
    for item in materials_service.items_for(
        session=session, case_type=case.type, region_id=case.region_id
    ):
        if item.required:
            materials_service.attach(
                session=session,
                case=case,
                item_code=item.code,
                filename=f"{item.name}.pdf",
                content=blank,
                actor=actor,
                now=now,
            )
