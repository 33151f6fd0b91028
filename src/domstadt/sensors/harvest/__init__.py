"""Mirroring remote SensorThings services (FROST-Server, another Domstadt) into the sensor hub:
the guarded client that follows ``@iot.nextLink`` (client.py), the mapping of remote JSON to
local rows with its checks (mapping.py), the per-Datastream watermarks (watermark.py), the
tables (models.py), one run from start to report (runner.py) and the CLI (cli.py)."""
