"""Enumeration values shown through ``_(value)`` in the registry's templates (German in
``masterplan/locale/de/LC_MESSAGES/registry.po``)."""

from __future__ import annotations

from domstadt.web.i18n import N_

DYNAMIC_MESSAGES = (
    N_("planned"),
    N_("active"),
    N_("completed"),
    N_("discontinued"),
    N_("open"),
    N_("confirmed"),
    N_("rejected"),
    N_("initiative"),
    N_("measure"),
    N_("proposed"),
    N_("overridden"),
)
