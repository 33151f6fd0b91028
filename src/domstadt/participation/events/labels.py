"""UI labels (English message ids) of event kinds and registration states."""

from domstadt.web.i18n import N_

KIND = {
    "meetup": N_("Meetup"),
    "congress": N_("Congress"),
    "hackathon_day": N_("Hackathon day"),
    "pitch_event": N_("Pitch event"),
    "lab_session": N_("Lab session"),
    "workshop": N_("Workshop"),
    "other": N_("Other event"),
}
