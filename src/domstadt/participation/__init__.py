"""Participation domain: feedback on measures (``feedback/``), organisations
(``organisations/``: registration, membership requests, verification), challenges with jury and
public vote (``challenges/`` engine, ``challenge_service``, ``submission_service``,
``jury_service``, ``vote_service``), events with registrations and an iCalendar feed
(``events/``, ``event_service``, ``event_edit_service``), labs / UX tests with SUS scores
(``labs/``, ``lab_service``) and problem statements with pitches and a pitch event (``pitches/``,
``problem_statement_service``, ``pitch_service``); ``follow`` registers challenges, events and
organisations as followable kinds of the subscriptions."""
