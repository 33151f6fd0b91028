"""Display names of the pitch phases and statuses (English source strings, German in the
pitches catalogue)."""

from __future__ import annotations

from domstadt.participation.pitches.models import PitchStatus
from domstadt.participation.pitches.phases import PitchPhase
from domstadt.web.i18n import N_

PHASE = {
    PitchPhase.OPEN: N_("Open for pitches"),
    PitchPhase.REVIEW: N_("Jury review"),
    PitchPhase.RESULTS: N_("Results"),
}
STATUS = {
    PitchStatus.SUBMITTED: N_("Submitted"),
    PitchStatus.INVITED: N_("Invited to pitch"),
    PitchStatus.SELECTED: N_("Selected"),
    PitchStatus.NOT_SELECTED: N_("Not selected"),
}
