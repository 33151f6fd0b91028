"""UI labels (English message ids) of lab kinds and finding severities."""

from domstadt.web.i18n import N_

KIND = {"lab": N_("Real-world lab"), "ux_test": N_("UX test")}
SEVERITY = {
    "cosmetic": N_("cosmetic"),
    "minor": N_("minor"),
    "major": N_("major"),
    "critical": N_("critical"),
}
ANSWERS = (
    N_("strongly disagree"),
    N_("disagree"),
    N_("neither"),
    N_("agree"),
    N_("strongly agree"),
)
