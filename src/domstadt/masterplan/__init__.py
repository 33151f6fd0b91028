"""Masterplan domain: fields of action (Handlungsfelder), sectors and, later, measures."""
