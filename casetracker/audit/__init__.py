"""The append-only audit log (审计日志)."""
