"""Problem statements and pitches (issue 10, S3.2): models (statements, pitches with their
PDF deck, jurors, scores), phases derived from the dates, the deck check and the pitch
event's slots. The operations are in ``participation/problem_statement_service.py`` and
``participation/pitch_service.py``; jury rules and ranking are shared with challenges."""
