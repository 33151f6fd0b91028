"""Moderation of all user text (issue 10): ``registry`` (which kinds of text exist and how to
load, hide and unhide them), ``kinds`` (the registered kinds), ``models`` (reports and hide
decisions), ``hidden`` (lookups for services that show text), ``schemas``, ``labels``, and the
routes (``api``, ``views``). The operations are in ``participation/moderation_service.py``."""
