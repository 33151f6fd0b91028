"""Masterplan domain: fields of action (Handlungsfelder) and sectors, measures with versions,
history, relations, KPIs and budget (``measure_service``, ``measure_read_service``,
``budget_service``), frozen status reports (``report_service``), the AI screening
(``screening/``), the initiatives registry with duplicate suggestions (``registry/``) and
Atom feeds."""
