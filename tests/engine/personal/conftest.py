"""Personal data tests run the same engine on SQLite with the in-process store, and on the real
PostgreSQL with the real Redis (the `app` of the identity tests): what is erased must be gone
from both, whatever the database."""

from __future__ import annotations

from tests.engine.identity.conftest import app

__all__ = ["app"]
