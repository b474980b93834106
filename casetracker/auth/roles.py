"""The staff roles, apart from the tables (the command line names them without loading the
database layer)."""

import enum

from casetracker.core.i18n import N_


class Role(enum.StrEnum):
    SPECIALIST = "specialist"  # 客户维护部专员
    SUPERVISOR = "supervisor"  # 部长 / 副主任
    ADMIN = "admin"  # 系统管理员


ROLE_LABELS = {Role.SPECIALIST: N_("专员"), Role.SUPERVISOR: N_("主管"), Role.ADMIN: N_("管理员")}
