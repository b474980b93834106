"""The HTTP edge shared by every domain: dependencies, templating, CSRF, error pages."""
