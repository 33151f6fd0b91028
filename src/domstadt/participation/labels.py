"""Display names of the challenge enumerations (English source strings, German in the
participation catalogue)."""

from __future__ import annotations

from domstadt.participation.challenges.models import ChallengeKind, SubmissionStatus
from domstadt.participation.challenges.phases import Phase
from domstadt.web.i18n import N_

PHASE = {
    Phase.ANNOUNCEMENT: N_("Announced"),
    Phase.SUBMISSION: N_("Open for submissions"),
    Phase.REVIEW: N_("Jury review"),
    Phase.VOTE: N_("Public vote"),
    Phase.RESULTS: N_("Results"),
}
KIND = {ChallengeKind.IDEAS: N_("Idea competition"), ChallengeKind.HACKATHON: N_("Hackathon")}
STATUS = {
    SubmissionStatus.DRAFT: N_("Draft"),
    SubmissionStatus.SUBMITTED: N_("Submitted"),
    SubmissionStatus.SHORTLISTED: N_("Shortlisted"),
    SubmissionStatus.FINALIST: N_("Finalist"),
    SubmissionStatus.WINNER: N_("Winner"),
    SubmissionStatus.NOT_SELECTED: N_("Not selected"),
}
