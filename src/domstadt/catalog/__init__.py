"""Open data catalogue: DCAT-AP.de, CKAN Action API, harvesting, normaliser (planned)."""
