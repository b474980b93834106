"""Finding a sheet's header: the row that names at least a name column and an ID column
(under any of the names bureaus and sales reps use), below any title and info rows, and a
second header row when group labels (养老保险, merged over 单位 / 个人) sit on the first.
The result is a `Layout`: which column holds which field and where the data starts. When
no header is recognised the user maps the columns by hand into the same `Layout`."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from casetracker.core.i18n import N_
from casetracker.reconcile.values import Cell, text

# The fields a roster or bill row may carry, with their labels (Chinese first).
FIELDS: dict[str, str] = {
    "name": N_("姓名"),
    "id_number": N_("身份证号码"),
    "base": N_("缴费基数"),
    "hire_on": N_("入职日期"),
    "leave_on": N_("离职日期"),
    "client": N_("派遣单位"),
    "period": N_("费款所属期"),
    "pay_type": N_("缴费类型"),
    "total": N_("合计金额"),
}
REQUIRED = ("name", "id_number")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "职工姓名", "员工姓名", "参保人姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "身份证件号码",
        "社会保障号码",
    ),
    "base": ("缴费基数", "申报基数", "工资基数", "月缴费基数"),
    "hire_on": ("入职日期", "参保日期", "入职时间"),
    "leave_on": ("离职日期", "停保日期", "离职时间"),
    "client": ("派遣单位", "用工单位", "单位名称", "客户名称"),
    "period": ("费款所属期", "所属期", "费款所属期间"),
    "pay_type": ("缴费类型", "缴费类别", "征收类型"),
    "total": ("合计", "应缴合计", "缴费合计", "应缴金额合计"),
}
_BY_LABEL = {label: field for field, labels in _SYNONYMS.items() for label in labels}
# Amount columns per insurance and side: 养老保险 over 单位 / 个人, or one cell 养老单位 …
INSURANCES = {
    "养老": "pension",
    "医疗": "medical",
    "失业": "unemployment",
    "工伤": "injury",
    "生育": "maternity",
}
EMPLOYER_ONLY = ("injury", "maternity")  # no employee share: one column, often unlabelled
_SIDES = {"单位": "employer", "个人": "employee"}
_NOISE = re.compile(r"[\s\u3000*＊:：()（）\[\]【】]|部分|缴纳|缴费|金额|应缴|\(元\)|（元）|元")
SCAN_ROWS = 30  # a header further down than this is not a header


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column (0-based) holds which field, and the last header row (1-based, as Excel
    numbers it): data starts on the row after it. Amount columns are keyed
    `<insurance>_<side>`, e.g. `pension_employer`."""

    header_row: int
    columns: dict[str, int]


_INSURANCE_LABELS = {
    "pension": N_("养老保险"),
    "medical": N_("医疗保险"),
    "unemployment": N_("失业保险"),
    "injury": N_("工伤保险"),
    "maternity": N_("生育保险"),
}
_SIDE_LABELS = {"employer": N_("单位"), "employee": N_("个人")}


def amount_label(key: str) -> str:
    """养老保险（单位） for pension_employer (in Chinese: labels compose in one language)."""
    insurance, _, side = key.partition("_")
    return f"{_INSURANCE_LABELS.get(insurance, insurance)}（{_SIDE_LABELS.get(side, side)}）"


def _clean(cell: Cell) -> str:
    return text(cell).replace("\n", "").replace(" ", "").replace("\u3000", "")


def _field(label: str) -> str | None:
    return _BY_LABEL.get(label)


def _amount_key(group: str, sub: str) -> str | None:
    """`pension_employer` for 养老保险 + 单位, 养老单位, 单位养老保险 …"""
    words = _NOISE.sub("", group + sub)
    insurance = next((key for word, key in INSURANCES.items() if word in words), None)
    side = next((key for word, key in _SIDES.items() if word in words), None)
    if side is None and insurance in EMPLOYER_ONLY:
        side = "employer"
    if insurance is None or side is None:
        return None
    return f"{insurance}_{side}"


def _is_sub_header(row: Sequence[Cell]) -> bool:
    return any(_NOISE.sub("", _clean(cell)) in _SIDES for cell in row)


def find_layout(rows: Sequence[Sequence[Cell]]) -> Layout | None:
    """The sheet's header, if one is recognised in its first rows."""
    for index, row in enumerate(rows[:SCAN_ROWS]):
        labels = [_clean(cell) for cell in row]
        fields = {_field(label) for label in labels}
        if not all(required in fields for required in REQUIRED):
            continue
        below = rows[index + 1] if index + 1 < len(rows) else []
        two_rows = _is_sub_header(below)
        subs = [_clean(cell) for cell in below] if two_rows else []
        columns: dict[str, int] = {}
        group = ""
        for column, label in enumerate(labels):
            group = label or group  # a merged group label spans the empty cells after it
            sub = subs[column] if column < len(subs) else ""
            key = _amount_key(group, sub) if (sub or not _field(label)) else None
            if key is None and label:
                key = _field(label)
            if key is not None and key not in columns:
                columns[key] = column
            if label and _field(label):
                group = ""  # a plain column ends the group
        return Layout(header_row=index + (2 if two_rows else 1), columns=columns)
    return None


def is_header_label(name: str) -> bool:
    """Whether a (trimmed) name cell is one of the header's names: a header repeated
    further down."""
    return name in _BY_LABEL or (" " in name and name.replace(" ", "") in _BY_LABEL)
