"""Administration pages (admin role): the read-only audit log."""
