"""Alembic environment: runs on the engine the app hands over (or the URL in the config)."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables on the metadata)

config = context.config
engine = config.attributes.get('engine') or create_engine(config.get_main_option('sqlalchemy.url'))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == 'sqlite',
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
