"""Where the server's log goes and how it looks: text for people, or one JSON object per line for log collectors.

One handler on the root logger, which uvicorn's loggers reach too (main.py starts uvicorn without a logging config of
its own). JSON lines cannot be forged by anything a message contains: line breaks are escaped inside the string.
What is logged is the callers' affair: never message text, names or passwords, only ids, counts and error classes.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Literal

TEXT_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'
# loggers kept quiet whatever the level: at DEBUG SQLAlchemy logs result rows (message bodies, names), python-socketio
# and engine.io at INFO every packet (what people type); each also adds a handler of its own when found unset
QUIET = {
    'sqlalchemy': logging.WARNING,
    'socketio.server': logging.ERROR,
    'socketio.client': logging.ERROR,
    'engineio.server': logging.ERROR,
    'engineio.client': logging.ERROR,
}
UVICORN = ('uvicorn', 'uvicorn.error', 'uvicorn.access')
# every attribute a LogRecord has of its own; anything else on a record came from `extra=` and is logged as a field
_RECORD_FIELDS = frozenset(vars(logging.LogRecord('', 0, '', 0, '', None, None))) | {'message', 'asctime', 'taskName'}


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, the fields passed with `extra=`, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            'time': datetime.fromtimestamp(record.created, UTC).isoformat(timespec='milliseconds'),
            'level': record.levelname,
            'logger': record.name,
            'message': record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry['exception'] = self.formatException(record.exc_info)
        if record.stack_info:
            entry['stack'] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def make_handler(log_format: Literal['text', 'json'], stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == 'json' else logging.Formatter(TEXT_FORMAT))
    return handler


def configure(log_format: Literal['text', 'json'], level: str = 'info', stream: IO[str] | None = None) -> None:
    """Replaces the root logger's handlers; uvicorn's and NiceGUI's loggers propagate to it."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(make_handler(log_format, stream))
    root.setLevel(level.upper())
    for name in UVICORN:  # uvicorn's default config gives them handlers of their own
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    # its per-start chatter ("Context impl SQLiteImpl") only when asked for everything
    logging.getLogger('alembic').setLevel(logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING)
