"""SensorThings MQTT extension: topics, the broker connection, the ingest worker."""
