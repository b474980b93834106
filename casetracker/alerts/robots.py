"""The group robots alerts go to: the team's (settings) and any region's own (a 外地 partner's
group, set by an admin). A region's robot gets the overdue alerts and escalations of that
region's cases; its URL (which carries the robot's key) and signing secret are never shown
whole once saved."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.alerts.channels import ROBOT_KINDS
from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.core.errors import Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.core.settings import Settings
from casetracker.people.models import Region


@dataclass(frozen=True)
class Robot:
    """How to talk to one group robot: its kind (the message's shape) and signing secret."""

    kind: str
    secret: str


def by_address(session: Session, settings: Settings, addresses: set[str]) -> dict[str, Robot]:
    """The team's robot and the regions' own, by address (a robot removed since keeps the
    team's kind, unsigned)."""
    if not addresses:
        return {}
    found = {
        row.robot_url: Robot(row.robot_kind or settings.webhook_kind, row.robot_secret)
        for row in session.execute(
            select(Region.robot_url, Region.robot_kind, Region.robot_secret).where(
                Region.robot_url.in_(sorted(addresses))
            )
        )
    }
    team = settings.webhook_url.strip()
    if team:
        found[team] = Robot(settings.webhook_kind, settings.webhook_secret)
    return found


@dataclass(frozen=True)
class RegionRobot:
    """A region as the admin page lists it: where its robot is (the host only), its kind
    ("" for the team's) and whether it signs."""

    id: int
    name: str
    is_local: bool
    host: str
    kind: str
    signed: bool


def region_robots(*, session: Session) -> list[RegionRobot]:
    regions = session.scalars(select(Region).order_by(Region.is_local.desc(), Region.name))
    return [
        RegionRobot(
            id=r.id,
            name=r.name,
            is_local=r.is_local,
            host=urlsplit(r.robot_url).netloc if r.robot_url else "",
            kind=r.robot_kind,
            signed=bool(r.robot_secret),
        )
        for r in regions
    ]


def set_region_robot(
    *, session: Session, actor: User, region_id: int, url: str, kind: str, secret: str
) -> Region:
    """Set (or, with an empty URL, remove) a region's robot; audited without the URL's key
    or the secret."""
    region = session.get(Region, region_id)
    if region is None:
        raise NotFound(_("参保地不存在"))
    url, kind, secret = url.strip(), kind.strip().lower(), secret.strip()
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500):
        raise Invalid(
            _("机器人地址应为 http(s) 开头的完整网址"), field_errors={"url": _("网址不正确")}
        )
    if kind and kind not in ROBOT_KINDS:
        raise Invalid(_("机器人类型应为企业微信、钉钉或飞书"))
    if len(secret) > 200:
        raise Invalid(_("签名密钥过长"))
    region.robot_url, region.robot_kind = url, kind if url else ""
    region.robot_secret = secret if url else ""
    audit.record(
        session=session,
        actor=actor,
        action="region.robot_set" if url else "region.robot_removed",
        subject_type="region",
        subject_id=region.id,
        after={"host": parts.netloc, "kind": kind, "signed": bool(secret)} if url else None,
    )
    return region
