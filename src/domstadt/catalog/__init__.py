"""Open data catalogue: datasets and distributions (``service``, ``distribution_service``,
``store``), search with exact counts and facets (``search_service``, ``search_cache``), the
CKAN Action API and DataStore (``ckan/``, ``datastore/``), DCAT-AP.de export (``dcat/``),
harvesting of CKAN, DCAT, DKAN and file sources (``harvest/``, ``harvest_service``),
normalisation of tables and geodata (``normalise/``), the privacy gate (``privacy/``),
publishers, activity and relations to measures."""
