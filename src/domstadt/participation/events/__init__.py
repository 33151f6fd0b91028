"""Events (S3.4, S3.5) at /veranstaltungen: models, schemas, the iCalendar and schema.org
JSON-LD writers, and the HTML/JSON routes; the operations are in ``event_service.py`` beside
this package."""
