"""Participation domain: feedback on measures (``feedback/``), organisations
(``organisations/``: registration, membership requests, verification), challenges with jury and
public vote (``challenges/`` engine, ``challenge_service``, ``submission_service``,
``jury_service``, ``vote_service``), events with registrations and an iCalendar feed
(``events/``, ``event_service``, ``event_edit_service``) and labs / UX tests with SUS scores
(``labs/``, ``lab_service``); ``follow`` registers challenges, events and organisations as
followable kinds of the subscriptions."""
