"""Building on Domstadt's APIs (issue 12, S5.3): apps registered by developers with their
API keys and plans (``app_service``), usage statistics aggregated per process and flushed
(``usage_service``, ``usage``), and the public status page with incidents
(``status_service``). The rate limiter itself is ``core/ratelimit.py`` and
``web/ratelimit.py``."""
