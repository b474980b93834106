"""Staff users, login, roles and API tokens."""
