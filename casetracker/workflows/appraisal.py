"""劳动能力鉴定: the appraisal of a recognised injury, from the application to the
committee's conclusion, a second (provincial) appraisal when asked for, and the review that
may be requested a year on.

Opened from a recognised injury case; its opening event is that case's recognition decision,
so its events may be dated back to that day (not before), however late it is recorded.
Clocks cite 《工伤保险条例》 and count as every clock does (DOMAIN.md).
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
    extend,
    start,
    stop,
)

TYPE = "appraisal"
EXTENDED_DAYS = 90

MATERIALS_COMPLETE = Guard(
    "appraisal_materials_complete",
    Label("鉴定材料清单中的必备材料已全部上传", "Every required appraisal document is uploaded"),
)
FIRST_CONCLUSION = Guard(
    "first_conclusion",
    Label(
        "结论为初次鉴定结论（省级再次鉴定结论为最终结论）",
        "The conclusion is a first one (the provincial second appraisal is final)",
    ),
)
RECEIVED_AFTER = Guard(
    "received_after_conclusion",
    Label("收到结论的日期不早于结论作出的日期", "Received on or after the day it was made"),
)


def _date(name: str, zh: str, en: str) -> FieldSpec:
    return FieldSpec(name, Label(zh, en), FieldType.DATE)


CONCLUSION_FIELDS = (
    _date("concluded_on", "结论作出日期", "Concluded on"),
    _date("received_on", "收到结论日期", "Received on"),
    FieldSpec(
        "grade",
        Label("伤残等级（1–10，未达级留空）", "Disability grade (1–10; empty: below grade 10)"),
        FieldType.INTEGER,
        required=False,
        minimum=1,
        maximum=10,
    ),
    FieldSpec(
        "nursing_level",
        Label("生活护理等级（1–3，无则留空）", "Nursing level (1–3; empty: none)"),
        FieldType.INTEGER,
        required=False,
        minimum=1,
        maximum=3,
    ),
)

CLOCKS = (
    ClockSpec(
        "appraisal_conclusion",
        Label("鉴定结论", "Appraisal conclusion"),
        Unit.CALENDAR_DAYS,
        60,
        N_("《工伤保险条例》第二十五条：自收到申请之日起 60 日内作出鉴定结论"),
        alerts=AlertSpec(warning=days(10), escalation=days(1)),
    ),
    ClockSpec(
        "reappraisal_window",
        Label("再次鉴定申请期限", "Second-appraisal window"),
        Unit.CALENDAR_DAYS,
        15,
        N_("《工伤保险条例》第二十六条：收到鉴定结论之日起 15 日内可申请再次鉴定"),
        alerts=AlertSpec(warning=days(5), escalation=days(1)),
    ),
    ClockSpec(
        "review_appraisal",
        Label("可申请复查鉴定", "Review appraisal may be requested"),
        Unit.MONTHS,
        12,
        N_("《工伤保险条例》第二十八条：鉴定结论作出之日起 1 年后，可申请劳动能力复查鉴定"),
        reminder=True,
    ),
)

STATES = (
    StateSpec("preparing", Label("准备材料", "Preparing")),
    StateSpec(
        "applied",
        Label("已申请鉴定", "Applied"),
        on_enter=(start("appraisal_conclusion"),),
        waiting_for=Label("鉴定委员会结论", "the committee's conclusion"),
    ),
    StateSpec(
        "concluded", Label("已作出结论", "Concluded"), on_enter=(stop("appraisal_conclusion"),)
    ),
    StateSpec(
        "reappraisal_requested",
        Label("已申请再次鉴定", "Second appraisal requested"),
        on_enter=(stop("reappraisal_window"),),
        waiting_for=Label("省级鉴定委员会结论", "the provincial committee's conclusion"),
    ),
    StateSpec("closed", Label("已结案", "Closed"), final=True),
    StateSpec("withdrawn", Label("已撤回", "Withdrawn"), final=True),
)

TRANSITIONS = (
    TransitionSpec(
        "apply",
        Label("提交鉴定申请", "Apply"),
        ("preparing",),
        "applied",
        fields=(_date("applied_on", "申请日期", "Applied on"),),
        event_field="applied_on",
        guards=(MATERIALS_COMPLETE,),
    ),
    TransitionSpec(
        "extend",
        Label("鉴定委员会延长期限", "Time limit extended"),
        ("applied",),
        "applied",
        fields=(_date("extended_on", "延长通知日期", "Extended on"),),
        event_field="extended_on",
        clocks=(
            extend(
                "appraisal_conclusion",
                EXTENDED_DAYS,
                N_(
                    "《工伤保险条例》第二十五条：鉴定委员会决定延长，"
                    "自收到申请之日起 90 日内作出鉴定结论"
                ),
            ),
        ),
    ),
    TransitionSpec(
        "conclude",
        Label("登记鉴定结论", "Record the conclusion"),
        ("applied",),
        "concluded",
        fields=CONCLUSION_FIELDS,
        event_field="concluded_on",
        guards=(RECEIVED_AFTER,),
        clocks=(
            start("reappraisal_window", from_field="received_on"),
            start("review_appraisal", from_field="concluded_on"),
        ),
    ),
    TransitionSpec(
        "request_reappraisal",
        Label("申请再次鉴定", "Request a second appraisal"),
        ("concluded",),
        "reappraisal_requested",
        fields=(_date("requested_on", "申请日期", "Requested on"),),
        event_field="requested_on",
        guards=(FIRST_CONCLUSION,),
    ),
    TransitionSpec(
        "conclude_reappraisal",
        Label("登记再次鉴定结论", "Record the second conclusion"),
        ("reappraisal_requested",),
        "concluded",
        fields=CONCLUSION_FIELDS,
        event_field="concluded_on",
        guards=(RECEIVED_AFTER,),
        clocks=(start("review_appraisal", from_field="concluded_on"),),
    ),
    TransitionSpec("close", Label("结案", "Close"), ("concluded",), "closed"),
    TransitionSpec(
        "withdraw",
        Label("撤回", "Withdraw"),
        ("preparing", "applied"),
        "withdrawn",
        fields=(FieldSpec("reason", Label("撤回原因", "Reason"), FieldType.TEXT),),
    ),
)

WORKFLOW = Workflow(
    type=TYPE,
    label=Label("劳动能力鉴定", "Labour-capacity appraisal"),
    description=Label(
        "认定工伤后：准备材料、提交鉴定申请、登记鉴定结论（伤残等级、生活护理等级），"
        "收到结论 15 日内可申请再次鉴定，结论作出 1 年后可申请复查鉴定。",
        "After recognition: the materials, the application, the committee's conclusion "
        "(disability grade, nursing level); a second appraisal may be asked for within 15 "
        "days of receiving it, and a review a year after it was made.",
    ),
    initial="preparing",
    opening_event=Label("工伤认定决定", "the recognition decision"),
    states=STATES,
    transitions=TRANSITIONS,
    clocks=CLOCKS,
)
