"""Infrastructure and connectivity (issue 12, S5.1, S5.2): coverage layers and IoT planning
checks (``coverage``), and transit lines from GTFS with connectivity measurements along them
(``transit``). Each subpackage is a domain package with its own routes, templates and
catalogue; operations live in ``coverage_service`` and ``transit_service`` beside them."""
