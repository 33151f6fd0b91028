"""Sensor hub: OGC SensorThings API 1.1, MQTT ingest, analytics (planned)."""
