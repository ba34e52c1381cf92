"""Alembic environment: runs on the connection handed over by ``persistence.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from integrated_care.persistence.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through integrated_care.persistence.db.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
