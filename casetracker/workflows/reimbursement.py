"""工伤医疗费报销: a claim of an injury's invoices, from the submission to the money posted
to the client's account and every original back (取回蓝票).

Opened from an injury case with the invoices it covers; its opening event is the latest of
their issue dates, so its steps may be dated back to it however late the claim is recorded.
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

TYPE = "reimbursement"

ORIGINALS_BACK = Guard(
    "originals_back",
    Label(
        "每张票据的原件都已取回或登记为社保局留存",
        "Every original is returned or recorded as kept by the bureau",
    ),
)


def _date(name: str, zh: str, en: str) -> FieldSpec:
    return FieldSpec(name, Label(zh, en), FieldType.DATE)


CLOCKS = (
    ClockSpec(
        "reimbursement_processing",
        Label("报销审核", "Claim processing"),
        Unit.WORKING_DAYS,
        20,
        N_("实务：社保经办机构受理报销后的审核时限（地方规定）"),
        regional=True,
        alerts=AlertSpec(warning=days(3), escalation=working_days(1)),
    ),
)

STATES = (
    StateSpec("draft", Label("待提交", "Draft")),
    StateSpec(
        "submitted",
        Label("已提交", "Submitted"),
        on_enter=(start("reimbursement_processing"),),
        on_exit=(stop("reimbursement_processing"),),
        waiting_for=Label("社保局审核", "the bureau's review"),
    ),
    StateSpec("approved", Label("已核准", "Approved")),
    StateSpec("paid", Label("已到账", "Paid")),
    StateSpec("posted", Label("已上账", "Posted")),
    StateSpec("closed", Label("已结案", "Closed"), final=True),
)

TRANSITIONS = (
    TransitionSpec(
        "submit",
        Label("提交报销", "Submit"),
        ("draft",),
        "submitted",
        fields=(_date("submitted_on", "提交日期", "Submitted on"),),
        event_field="submitted_on",
    ),
    TransitionSpec(
        "approve",
        Label("登记核准结果", "Record the approval"),
        ("submitted",),
        "approved",
        fields=(
            _date("approved_on", "核准日期", "Approved on"),
            FieldSpec(
                "approved",
                Label("核准金额（按票据）", "Approved amounts (by invoice)"),
                FieldType.AMOUNTS,
            ),
            FieldSpec(
                "rejection_reason",
                Label("未核准票据的原因", "Why the others were rejected"),
                FieldType.TEXT,
                required=False,
            ),
        ),
        event_field="approved_on",
    ),
    TransitionSpec(
        "pay",
        Label("登记到账", "Record the payment"),
        ("approved",),
        "paid",
        fields=(
            _date("paid_on", "到账日期", "Paid on"),
            FieldSpec(
                "paid_amount", Label("到账金额（元）", "Amount paid (yuan)"), FieldType.MONEY
            ),
        ),
        event_field="paid_on",
    ),
    TransitionSpec(
        "post",
        Label("上账", "Post to the client's account"),
        ("paid",),
        "posted",
        fields=(
            _date("posted_on", "上账日期", "Posted on"),
            FieldSpec(
                "reference",
                Label("上账凭证号", "Posting reference"),
                FieldType.TEXT,
                max_length=100,
            ),
        ),
        event_field="posted_on",
    ),
    TransitionSpec(
        "close",
        Label("结案", "Close"),
        ("posted",),
        "closed",
        guards=(ORIGINALS_BACK,),
    ),
    # A claim opened by mistake, before it went to the bureau: closed, its invoices free for
    # another claim (or to be reversed). The six states stay the contract's.
    TransitionSpec(
        "withdraw",
        Label("撤回（未提交）", "Withdraw (not submitted)"),
        ("draft",),
        "closed",
        fields=(FieldSpec("reason", Label("撤回原因", "Reason"), FieldType.TEXT),),
    ),
)

WORKFLOW = Workflow(
    type=TYPE,
    label=Label("医疗费报销", "Medical-cost claim"),
    description=Label(
        "工伤医疗费报销：选定票据提交报销，登记核准金额、到账和上账，取回票据原件后结案。",
        "A claim of an injury's invoices: submitted, approved (by invoice), paid, posted to "
        "the client's account, and closed once every original is back.",
    ),
    initial="draft",
    opening_event=Label("最近一张票据的开票日期", "the latest invoice's issue date"),
    states=STATES,
    transitions=TRANSITIONS,
    clocks=CLOCKS,
)
