"""Display names of the feedback enumerations (English source strings, German in feedback.po)."""

from __future__ import annotations

from domstadt.participation.feedback.models import ReportReason, Stance
from domstadt.web.i18n import N_

STANCE = {
    Stance.SUPPORT: N_("Support"),
    Stance.NEUTRAL: N_("Neutral stance"),
    Stance.CONCERN: N_("Concern"),
}
REASON = {
    ReportReason.SPAM: N_("Spam or advertising"),
    ReportReason.ABUSE: N_("Insult or harassment"),
    ReportReason.PERSONAL_DATA: N_("Personal data of others"),
    ReportReason.OFF_TOPIC: N_("Off topic"),
    ReportReason.MISINFORMATION: N_("False statements"),
    ReportReason.OTHER: N_("Other reason"),
}
RELEVANCE = {
    1: N_("1 – not relevant"),
    2: N_("2 – slightly relevant"),
    3: N_("3 – moderately relevant"),
    4: N_("4 – very relevant"),
    5: N_("5 – essential"),
}
VOICE = {"company": N_("for an organisation"), "citizen": N_("personal")}
