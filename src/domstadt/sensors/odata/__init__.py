"""OData query options for SensorThings: $filter/$orderby parser and SQL compiler."""
