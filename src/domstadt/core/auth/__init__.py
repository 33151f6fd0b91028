"""Accounts and permissions: people, organisations, departments, roles, API tokens, passwords."""
