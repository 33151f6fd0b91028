"""Coverage layers and IoT planning checks (issue 12, S5.1).

Engine modules (no routes, no service rules): ``models`` (layers, their features, planned
deployments of measures), ``readers`` (GeoJSON, CSV, GeoPackage, KML into features),
``geo`` (projections, the Germany check, distances), ``index`` (shapely STRtree indexes of
the coverage per network, cached per process) and ``verdict`` (default radii and the
verdict with its reason). Operations live in ``domstadt.infrastructure.coverage_service``;
pages and JSON in ``views``/``api``; the CLI in ``cli``.
"""
