"""Challenge engine (issue 10): models (challenges, submissions, attachments, jurors, scores,
votes), phases derived from dates, attachment checks and the weighted jury ranking. The
operations are in ``participation/challenge_service.py``."""
