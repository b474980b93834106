"""Cross-domain plumbing: settings, database, clock, security, i18n, templating, errors."""
