"""Connectivity along transit lines (issue 12, S5.2): GTFS feeds reduced to what segments need
(agencies, routes, stops, trips with their stop pattern, shapes), line segments between
consecutive stops, connectivity measurements snapped to the nearest segment, and the gap map
aggregated per segment, month and operator.

Engine modules (no routes, no service rules): ``models`` (tables), ``gtfs`` (reading and
validating a zip), ``segments`` (cutting shapes at the stops), ``geo`` (metric projection and
the snapper on shapely's STRtree), ``measurements`` (CSV rows and SensorThings observations →
measurements), ``stats`` (aggregates per segment/month/operator), ``store`` (writes and reads),
``exports`` (GeoJSON and CSV). Operations live in ``domstadt.infrastructure.transit_service``;
pages and JSON in ``views``/``api``; the CLI in ``cli``.
"""
