"""Participation as open data (issue 10): the published tables (``tables``: names, columns and
the privacy rule), their rows read from the participation tables without personal data
(``rows``), CSV and JSON output (``formats``) and the routes that serve them fresh (``api``).
The operations (serve a table, publish the catalogue datasets) are in ``publish_service``."""
