"""The supervisor's overview (/overview, GET /api/v1/overview)."""
