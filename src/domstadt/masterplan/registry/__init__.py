"""Initiatives registry (S6.2): existing projects, their import and near-duplicate detection."""
