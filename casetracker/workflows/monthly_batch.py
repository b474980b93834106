"""月度增减员: one region's month, from the bureau's bill to the bank's deduction.

The batch opens on the month's first day (its opening event). The bill is imported (its
lines kept per person and month), reconciled against the insured people the system holds
(and against last month's declarations), the enrolments and stops are declared online
before the region's monthly cut-off day, the bank's deduction is checked against the bill,
and the batch closes once every difference has a resolution.
"""

from casetracker.calendar.periods import Unit
from casetracker.core.i18n import N_
from casetracker.workflows.engine import (
    AlertSpec,
    ClockSpec,
    FieldSpec,
    FieldType,
    Guard,
    Label,
    StateSpec,
    TransitionSpec,
    Workflow,
    days,
    start,
    stop,
    working_days,
)

TYPE = "monthly_batch"

ITEMS_RESOLVED = Guard(
    "items_resolved",
    Label(
        "每一项差异都已处理（已增员、已减员、已更正基数或写明原因不处理）",
        "Every difference has a resolution (enrolled, stopped, base corrected, or ignored with a "
        "reason)",
    ),
)
BILL_READY = Guard(
    "bill_ready",
    Label("账单已上传并读取完成", "The bill is uploaded and read"),
)

CLOCKS = (
    ClockSpec(
        "declaration_cutoff",
        Label("申报截止", "Declaration cut-off"),
        Unit.CALENDAR_DAYS,
        14,
        N_("参保地每月申报截止日（地方规定）"),
        length_rule="month_cutoff",
        alerts=AlertSpec(warning=days(3), escalation=working_days(1)),
    ),
    ClockSpec(
        "deduction",
        Label("核对扣款", "Deduction check"),
        Unit.WORKING_DAYS,
        5,
        N_(
            "实务：申报后银行扣款，须核对扣款与账单（逾期缴费每日加收万分之五滞纳金，《社会保险法》第八十六条）"
        ),
        regional=True,
        alerts=AlertSpec(warning=working_days(1), escalation=working_days(1)),
    ),
)

STATES = (
    StateSpec(
        "draft",
        Label("待导入账单", "Waiting for the bill"),
        on_enter=(start("declaration_cutoff"),),
    ),
    StateSpec("imported", Label("已导入账单", "Bill imported")),
    StateSpec("reconciled", Label("已对账", "Reconciled")),
    StateSpec(
        "declared",
        Label("已申报", "Declared"),
        on_enter=(stop("declaration_cutoff"), start("deduction")),
    ),
    StateSpec(
        "deduction_confirmed",
        Label("已确认扣款", "Deduction confirmed"),
        on_enter=(stop("deduction"),),
    ),
    StateSpec("closed", Label("已结束", "Closed"), final=True),
)

TRANSITIONS = (
    TransitionSpec(
        "import_bill",
        Label("导入账单", "Import the bill"),
        sources=("draft", "imported", "reconciled"),
        target="imported",
        fields=(
            FieldSpec(
                "job_id", Label("账单导入编号", "Bill import no."), FieldType.TEXT, max_length=12
            ),
        ),
        guards=(BILL_READY,),
    ),
    TransitionSpec(
        "reconcile",
        Label("对账", "Reconcile"),
        sources=("imported",),
        target="reconciled",
        # Blank: against the insured people held here; else against an uploaded roster
        # (a roster import's file), as the command line does.
        fields=(
            FieldSpec(
                "roster_job_id",
                Label(
                    "名册导入编号（留空：系统中的参保人）",
                    "Roster import no. (blank: the people held here)",
                ),
                FieldType.TEXT,
                required=False,
                max_length=12,
            ),
        ),
    ),
    TransitionSpec(
        "declare",
        Label("登记网上申报", "Record the online declaration"),
        sources=("reconciled",),
        target="declared",
        fields=(FieldSpec("declared_on", Label("申报日期", "Declared on"), FieldType.DATE),),
        event_field="declared_on",
    ),
    TransitionSpec(
        "confirm_deduction",
        Label("确认扣款", "Confirm the deduction"),
        sources=("declared",),
        target="deduction_confirmed",
        fields=(
            FieldSpec("deducted_on", Label("扣款日期", "Deducted on"), FieldType.DATE),
            FieldSpec(
                "deducted_amount",
                Label("扣款金额（元）", "Amount deducted (yuan)"),
                FieldType.MONEY,
            ),
        ),
        event_field="deducted_on",
    ),
    TransitionSpec(
        "close",
        Label("结束本月", "Close the month"),
        sources=("deduction_confirmed",),
        target="closed",
        guards=(ITEMS_RESOLVED,),
    ),
)

WORKFLOW = Workflow(
    type=TYPE,
    label=Label("月度增减员", "Monthly enrolments and stops"),
    description=Label(
        "一个参保地一个月的增员、减员与对账：导入社保局账单，与系统中的参保人核对（并核对上月申报），"
        "在申报截止日前网上申报，核对银行扣款，每一项差异处理完毕后结束。",
        "One region's month: import the bureau's bill, reconcile it with the insured people "
        "held here (and with last month's declarations), declare online before the region's "
        "cut-off day, check the bank's deduction, and close once every difference is "
        "resolved.",
    ),
    initial="draft",
    opening_event=Label("费款所属月开始", "the month's start"),
    states=STATES,
    transitions=TRANSITIONS,
    clocks=CLOCKS,
)
