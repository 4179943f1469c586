"""The application database: engine, tables, Alembic migrations, the journal of what citizens
asked (unanswered questions, feedback, hand-offs) and the staff reports on it.

SQLite file by default, PostgreSQL through DATABASE_URL. Depends on nothing of ours but
`privacy` and `envconfig`; nothing here connects at import time.
"""
from __future__ import annotations


class AppDbError(Exception):
    """Root of every error this package raises."""
