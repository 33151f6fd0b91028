"""Seats and waiting lists, shared by events and lab sessions: who gets a seat, who moves up."""

from __future__ import annotations

from domstadt.participation.events.models import RegistrationStatus


def status_for_new(confirmed: int, capacity: int | None) -> RegistrationStatus:
    """A seat while seats are free (or the capacity is open), else the waiting list."""
    if capacity is None or confirmed < capacity:
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITING


def free_seats(confirmed: int, capacity: int | None, waiting: int) -> int:
    """How many of the waiting people may move up now."""
    if capacity is None:
        return waiting
    return max(0, min(waiting, capacity - confirmed))
