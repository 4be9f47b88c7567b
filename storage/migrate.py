"""Brings the schema to the newest Alembic revision; used at start-up and by the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / 'migrations'


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    config.set_main_option('sqlalchemy.url', engine.url.render_as_string(hide_password=False).replace('%', '%%'))
    config.attributes['engine'] = engine
    return config


def upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), 'head')
