"""Sensor hub: the OGC SensorThings API 1.1 (``sta/``, ``odata/``), MQTT ingest and
notifications (``mqtt/``, ``mqtt_service``), imports of Cologne's traffic series and other CSV
time series (``import_service``, ``csv_import_service``), aggregation, outages, correlation and
anomalies (``analytics_service``, ``analysis_service``), retention and department ownership."""
