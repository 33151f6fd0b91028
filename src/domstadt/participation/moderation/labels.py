"""Display names of the report reasons (English source strings, German in moderation.po)."""

from __future__ import annotations

from domstadt.participation.moderation.models import ReportReason
from domstadt.web.i18n import N_

REASON = {
    ReportReason.SPAM: N_("Spam or advertising"),
    ReportReason.ABUSE: N_("Insult or harassment"),
    ReportReason.PERSONAL_DATA: N_("Personal data of others"),
    ReportReason.OFF_TOPIC: N_("Off topic"),
    ReportReason.MISINFORMATION: N_("False statements"),
    ReportReason.ILLEGAL: N_("Possibly illegal content"),
    ReportReason.OTHER: N_("Other reason"),
}
