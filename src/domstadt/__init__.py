"""Domstadt: the open platform for Cologne's digital masterplan (Masterplan Digitales Köln)."""

__version__ = "0.1.0"
