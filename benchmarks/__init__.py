"""Measurement scripts (not tests): each builds its own scratch PostgreSQL database,
prints its figures next to a baseline measured in the same run, and drops the database.
See README.md ("Benchmarks")."""
