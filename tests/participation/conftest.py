"""Fixtures of the participation tests: the masterplan's departments and taxonomy."""

from tests.masterplan.conftest import editor_token, plan

__all__ = ["editor_token", "plan"]
