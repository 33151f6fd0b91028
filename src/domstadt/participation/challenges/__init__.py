"""Challenge engine (issue 10): models (challenges, submissions, attachments, jurors, scores,
votes), phases derived from dates, attachment checks, the jury rules (``scoring.py``, also
used by pitches) and the weighted jury ranking. The operations are in
``participation/challenge_service.py``."""
