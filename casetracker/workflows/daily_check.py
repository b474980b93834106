"""外地名单日常核对: one out-of-town region's list, checked every working day.

Each working day the local partner's list of the people insured there is checked against
the sales reps' reported hires and departures, and the day's enrolments and departures are
totalled. The case runs for as long as the region is served; each recorded check meets the
day's clock and starts the next one.
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
    hours,
    start,
    stop,
    working_days,
)

TYPE = "daily_check"

CHECK_UPLOADED = Guard(
    "check_uploaded",
    Label("当天的名单已上传并核对", "The day's lists are uploaded and compared"),
)

CLOCKS = (
    ClockSpec(
        "daily_check",
        Label("外地名单每日核对", "Out-of-town daily check"),
        Unit.WORKING_DAYS,
        1,
        N_("实务：外地名单每个工作日与业务员报来的增减员核对一次"),
        regional=True,
        alerts=AlertSpec(warning=hours(4), escalation=working_days(1)),
    ),
)

STATES = (
    StateSpec(
        "checking",
        Label("每日核对中", "Checked daily"),
        on_enter=(start("daily_check"),),
        on_exit=(stop("daily_check"),),
    ),
    StateSpec("closed", Label("已停止", "Stopped"), final=True),
)

TRANSITIONS = (
    TransitionSpec(
        "record_check",
        Label("登记当日核对", "Record the day's check"),
        sources=("checking",),
        target="checking",
        fields=(FieldSpec("checked_on", Label("核对日期", "Checked on"), FieldType.DATE),),
        event_field="checked_on",
        guards=(CHECK_UPLOADED,),
    ),
    TransitionSpec(
        "close",
        Label("停止核对", "Stop checking"),
        sources=("checking",),
        target="closed",
        fields=(FieldSpec("reason", Label("原因", "Reason"), FieldType.TEXT),),
    ),
)

WORKFLOW = Workflow(
    type=TYPE,
    label=Label("外地名单日常核对", "Out-of-town daily check"),
    description=Label(
        "每个工作日把外地合作方的在保名单与业务员报来的入职、离职核对，统计当天增员和减员人数；"
        "登记当天的核对即完成当天的时限，并开始下一个工作日的时限。",
        "Every working day the local partner's list of the people insured out of town is "
        "checked against the sales reps' hires and departures, and the day's enrolments and "
        "departures are totalled; recording the day's check meets that day's clock and "
        "starts the next working day's.",
    ),
    initial="checking",
    opening_event=Label("开始核对", "checking begins"),
    states=STATES,
    transitions=TRANSITIONS,
    clocks=CLOCKS,
)
