"""工伤认定: a work injury from the accident report to the bureau's decision.

Clocks cite their basis; lengths and units follow the trade's reference, DOMAIN.md
(《工伤保险条例》, 《工伤认定办法》, 行政复议法, 行政诉讼法). Report windows are set per
region (a region's `ClockTerm` that overrides the default) and may be shortened by a client's
contract (a `ClockTerm` of the client): the stricter wins.
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
    cancel,
    days,
    hours,
    pause,
    resume,
    start,
    stop,
    working_days,
)

TYPE = "injury"
WITHDRAWN = "withdrawn"

MATERIALS_COMPLETE = Guard(
    "materials_complete",
    Label("材料清单中的必备材料已全部上传", "Every required document on the checklist is uploaded"),
)

PAID_LEAVE_EXTENSION = Guard(
    "paid_leave_extension",
    Label(
        "延长停工留薪期须写明确认日期（《工伤保险条例》第三十三条：经设区的市级劳动能力鉴定委员会确认）",
        "An extension of the paid leave needs its approval date (art. 33: confirmed by the "
        "city's appraisal committee)",
    ),
)


def _date(name: str, zh: str, en: str) -> FieldSpec:
    return FieldSpec(name, Label(zh, en), FieldType.DATE)


CLOCKS = (
    ClockSpec(
        "filing_report",
        Label("工伤快报", "Accident report"),
        Unit.HOURS,
        24,
        N_("参保地工伤快报时限（地方规定）"),
        regional=True,
        alerts=AlertSpec(warning=hours(4), escalation=hours(2)),
    ),
    ClockSpec(
        "written_report",
        Label("书面报告", "Written report"),
        Unit.WORKING_DAYS,
        5,
        N_("参保地书面报告时限（地方规定）"),
        regional=True,
        alerts=AlertSpec(warning=working_days(1), escalation=working_days(1)),
    ),
    ClockSpec(
        "recognition_application",
        Label("工伤认定申请", "Recognition application"),
        Unit.CALENDAR_DAYS,
        30,
        N_("《工伤保险条例》第十七条"),
        alerts=AlertSpec(warning=days(5), escalation=working_days(1)),
    ),
    ClockSpec(
        "acceptance_review",
        Label("受理审核", "Acceptance review"),
        Unit.CALENDAR_DAYS,
        15,
        N_("《工伤认定办法》第八条"),
        alerts=AlertSpec(warning=days(3), escalation=working_days(1)),
    ),
    ClockSpec(
        "recognition_decision",
        Label("认定决定", "Recognition decision"),
        Unit.CALENDAR_DAYS,
        60,
        N_("《工伤保险条例》第二十条"),
        variants=(("simple", 15),),
        alerts=AlertSpec(warning=days(7), escalation=working_days(1)),
    ),
    ClockSpec(
        "appeal_review",
        Label("行政复议期限", "Administrative review"),
        Unit.CALENDAR_DAYS,
        60,
        N_("《行政复议法》第二十条"),
        alerts=AlertSpec(warning=days(10), escalation=working_days(1)),
    ),
    ClockSpec(
        "paid_leave_end",
        Label("停工留薪期届满", "Paid leave ends"),
        Unit.MONTHS,
        12,
        N_("《工伤保险条例》第三十三条：停工留薪期（届满前准备劳动能力鉴定申请）"),
        length_rule="paid_leave",
        alerts=AlertSpec(warning=days(30), escalation=working_days(1)),
    ),
    ClockSpec(
        "appeal_lawsuit",
        Label("行政诉讼期限", "Administrative lawsuit"),
        Unit.MONTHS,
        6,
        N_("《行政诉讼法》第四十六条"),
        alerts=AlertSpec(warning=days(10), escalation=working_days(1)),
    ),
)

STATES = (
    StateSpec(
        "reported",
        Label("已报案", "Reported"),
        on_enter=(start("filing_report"), start("recognition_application")),
    ),
    StateSpec(
        "filed", Label("已快报", "Filed"), on_enter=(stop("filing_report"), start("written_report"))
    ),
    # The written report travels with the application, so submitting meets it too.
    StateSpec(
        "submitted",
        Label("已提交申请", "Application submitted"),
        on_enter=(
            stop("recognition_application"),
            stop("written_report"),
            start("acceptance_review"),
        ),
        on_exit=(stop("acceptance_review"),),
        waiting_for=Label("社保局受理", "the bureau's acceptance"),
    ),
    StateSpec("correction_requested", Label("待补正材料", "Correction requested")),
    StateSpec(
        "accepted",
        Label("已受理", "Accepted"),
        on_enter=(start("recognition_decision"),),
        waiting_for=Label("社保局作出认定决定", "the bureau's decision"),
    ),
    StateSpec(
        "suspended",
        Label("认定中止", "Suspended"),
        on_enter=(pause("recognition_decision"),),
        on_exit=(resume("recognition_decision"),),
        waiting_for=Label("社保局恢复认定", "the bureau to resume"),
    ),
    StateSpec(
        "recognised", Label("认定为工伤", "Recognised"), on_enter=(stop("recognition_decision"),)
    ),
    StateSpec(
        "not_recognised",
        Label("不予认定", "Not recognised"),
        on_enter=(stop("recognition_decision"), start("appeal_review"), start("appeal_lawsuit")),
        on_exit=(cancel("appeal_review"), cancel("appeal_lawsuit")),
    ),
    StateSpec("closed", Label("已结案", "Closed"), final=True),
    StateSpec(WITHDRAWN, Label("已撤回", "Withdrawn"), final=True),
)

TRANSITIONS = (
    # The main path first: the desk offers each state's first transition as the next step.
    TransitionSpec(
        "file_report",
        Label("完成工伤快报", "File the accident report"),
        ("reported",),
        "filed",
        fields=(FieldSpec("filed_at", Label("快报时间", "Filed at"), FieldType.DATETIME),),
        event_field="filed_at",
    ),
    TransitionSpec(
        "submit_application",
        Label("提交认定申请", "Submit the application"),
        ("filed",),
        "submitted",
        fields=(_date("submitted_on", "提交日期", "Submitted on"),),
        event_field="submitted_on",
        guards=(MATERIALS_COMPLETE,),
    ),
    TransitionSpec(
        "accept",
        Label("登记受理", "Record acceptance"),
        ("submitted",),
        "accepted",
        fields=(
            _date("accepted_on", "受理日期", "Accepted on"),
            FieldSpec(
                "simple",
                Label("事实清楚、权利义务明确（简易）", "Simple case"),
                FieldType.BOOL,
                required=False,
                shown_as=Label("简易案件", "Simple case"),
            ),
        ),
        event_field="accepted_on",
    ),
    TransitionSpec(
        "request_correction",
        Label("登记补正通知", "Record a correction request"),
        ("submitted",),
        "correction_requested",
        fields=(
            _date("requested_on", "补正通知日期", "Requested on"),
            FieldSpec("missing_items", Label("需补正的材料", "Missing items"), FieldType.LIST),
        ),
        event_field="requested_on",
    ),
    TransitionSpec(
        "resubmit",
        Label("补正后重新提交", "Resubmit"),
        ("correction_requested",),
        "submitted",
        fields=(_date("submitted_on", "提交日期", "Submitted on"),),
        event_field="submitted_on",
        guards=(MATERIALS_COMPLETE,),
    ),
    TransitionSpec(
        "recognise",
        Label("认定为工伤", "Recognised"),
        ("accepted",),
        "recognised",
        fields=(_date("decided_on", "决定日期", "Decided on"),),
        event_field="decided_on",
    ),
    TransitionSpec(
        "reject",
        Label("不予认定", "Not recognised"),
        ("accepted",),
        "not_recognised",
        fields=(_date("decided_on", "决定日期", "Decided on"),),
        event_field="decided_on",
    ),
    TransitionSpec(
        "suspend",
        Label("登记中止", "Suspend"),
        ("accepted",),
        "suspended",
        fields=(
            _date("suspended_on", "中止日期", "Suspended on"),
            FieldSpec("reason", Label("中止原因", "Reason"), FieldType.TEXT),
        ),
        event_field="suspended_on",
    ),
    TransitionSpec(
        "resume",
        Label("恢复认定", "Resume"),
        ("suspended",),
        "accepted",
        fields=(_date("resumed_on", "恢复日期", "Resumed on"),),
        event_field="resumed_on",
    ),
    TransitionSpec(
        "record_paid_leave",
        Label("登记停工留薪期", "Record the paid leave"),
        ("recognised",),
        "recognised",
        fields=(
            _date("leave_start", "停工留薪起始日期", "Paid leave from"),
            FieldSpec(
                "leave_months",
                Label("停工留薪期（月，1–12）", "Paid leave (months, 1–12)"),
                FieldType.INTEGER,
                minimum=1,
                maximum=12,
            ),
            FieldSpec(
                "extension_months",
                Label("延长（月，0–12）", "Extension (months, 0–12)"),
                FieldType.INTEGER,
                required=False,
                minimum=0,
                maximum=12,
            ),
            FieldSpec(
                "extension_approved_on",
                Label("延长确认日期", "Extension approved on"),
                FieldType.DATE,
                required=False,
            ),
        ),
        guards=(PAID_LEAVE_EXTENSION,),
        clocks=(cancel("paid_leave_end"), start("paid_leave_end", from_field="leave_start")),
    ),
    TransitionSpec("close", Label("结案", "Close"), ("recognised", "not_recognised"), "closed"),
    TransitionSpec(
        "withdraw",
        Label("撤回", "Withdraw"),
        ("reported", "filed", "submitted", "correction_requested"),
        "withdrawn",
        fields=(FieldSpec("reason", Label("撤回原因", "Reason"), FieldType.TEXT),),
    ),
)

WORKFLOW = Workflow(
    type=TYPE,
    label=Label("工伤认定", "Work-injury recognition"),
    description=Label(
        "从事故报案、快报、提交认定申请、受理到认定决定的全过程。"
        "专员负责自己的案件，主管可处理任何案件。",
        "From the accident's report, the accident report form and the recognition "
        "application to the bureau's acceptance and decision. Specialists work their own "
        "cases; supervisors may work any case.",
    ),
    initial="reported",
    opening_event=Label("事故发生", "the accident"),
    states=STATES,
    transitions=TRANSITIONS,
    clocks=CLOCKS,
)
