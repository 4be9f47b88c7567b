"""Alembic environment: runs on the engine the app hands over (or the URL in the config)."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables on the metadata)

config = context.config
engine = config.attributes.get('engine') or create_engine(config.get_main_option('sqlalchemy.url'))

with engine.connect() as connection:
    sqlite = connection.dialect.name == 'sqlite'
    if sqlite:
        # SQLite's batch migrations copy a table and drop the old one: with foreign keys enforced, dropping "user"
        # would cascade to every message. Off while migrating (the app's connections turn them on: storage/db.py).
        connection.exec_driver_sql('PRAGMA foreign_keys=OFF')
    context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        connection.exec_driver_sql('PRAGMA foreign_keys=ON')
