"""Web layer: app factory, middleware, error handlers, templates, static assets, core routes."""
