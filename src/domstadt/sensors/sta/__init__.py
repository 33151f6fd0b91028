"""OGC SensorThings API 1.1 at /sta/v1.1: entity registry, reads, writes, routes."""
