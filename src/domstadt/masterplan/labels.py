"""Display names of the measure enumerations (English source strings, German in the catalogue)."""

from __future__ import annotations

from decimal import Decimal

from domstadt.masterplan.schemas import LinkKind, Priority, RolloutStage, Status
from domstadt.web import formatting
from domstadt.web.i18n import N_

STATUS = {
    Status.IDEA: N_("Idea"),
    Status.PLANNED: N_("Planned"),
    Status.IN_PREPARATION: N_("In preparation"),
    Status.IN_IMPLEMENTATION: N_("In implementation"),
    Status.IN_OPERATION: N_("In regular operation"),
    Status.COMPLETED: N_("Completed"),
    Status.PAUSED: N_("Paused"),
    Status.UNDER_RESERVATION: N_("Under reservation"),
    Status.DISCONTINUED: N_("Discontinued"),
}
STAGE = {
    RolloutStage.IDEA: N_("Idea stage"),
    RolloutStage.PILOT: N_("Pilot phase"),
    RolloutStage.EVALUATED: N_("Evaluated"),
    RolloutStage.ROLLOUT: N_("Rolling out"),
    RolloutStage.CITY_WIDE: N_("City-wide"),
    RolloutStage.STOPPED: N_("Stopped"),
}
PRIORITY = {Priority.HIGH: N_("High"), Priority.MEDIUM: N_("Medium"), Priority.LOW: N_("Low")}
LINK = {
    LinkKind.DATASET: N_("Dataset"),
    LinkKind.DATASTREAM: N_("Sensor datastream"),
    LinkKind.WEBSITE: N_("Web page"),
}
FIELD = {
    "code": N_("Code"),
    "title": N_("Title"),
    "summary": N_("Plain-language summary"),
    "description": N_("Description"),
    "goals": N_("Goals"),
    "fields": N_("Fields of action"),
    "sectors": N_("Sectors"),
    "parent": N_("Parent measure"),
    "weight": N_("Weight in the parent's progress"),
    "lead_department": N_("Lead department"),
    "partner_departments": N_("Partner departments"),
    "partner_organisations": N_("Partner organisations"),
    "contact": N_("Contact"),
    "planned_start": N_("Planned start"),
    "planned_end": N_("Planned end"),
    "actual_start": N_("Actual start"),
    "actual_end": N_("Actual end"),
    "priority": N_("Priority"),
    "status": "Status",
    "progress": N_("Progress"),
    "children": N_("Sub-measures"),
    "progress_total": N_("Progress rolled up from sub-measures"),
    "rollout_stage": N_("Rollout stage"),
    "success_criteria": N_("Success criteria"),
    "milestones": N_("Milestones"),
    "kpis": N_("KPIs"),
    "requires": N_("Requires"),
    "blocks": N_("Blocks"),
    "risks": N_("Risks"),
    "council_decision": N_("Council decision"),
    "location": N_("Location"),
    "links": N_("Linked data"),
}


def euro(value: object) -> str:
    """An amount in whole euros with German digit grouping, e.g. 1.250.000 € (templates use
    the ``money`` filter, which follows the page's language)."""
    return formatting.money(Decimal(str(value)), "de")


def template_globals() -> dict[str, object]:
    """The label tables and formatters for templates."""
    return {
        "STATUS": STATUS,
        "STAGE": STAGE,
        "PRIORITY": PRIORITY,
        "LINK": LINK,
        "FIELD": FIELD,
        "euro": euro,
    }
