"""One settings object for the whole app, read from the environment (prefix ``CHAT_``) and an optional ``.env``."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='CHAT_', env_file='.env', extra='ignore')

    host: str = '127.0.0.1'
    port: int = 8080
    data_dir: Path = Path('data')
    database_url: str | None = None  # default: SQLite file in data_dir
    redis_url: str | None = None  # unset: in-process hub and presence
    redis_prefix: str = 'chat'
    storage_secret: str | None = None  # default: generated once into data_dir
    media_dir: Path | None = None  # default: data_dir / 'media'
    default_language: str = 'en'
    reconnect_timeout: float = 3.0
    page_connect_timeout: float = 20.0  # seconds a page waits for its socket before it is deleted (NiceGUI: 60)
    max_waiting_pages: int = 200  # pages waiting for their socket; beyond it the oldest go (pages/unconnected.py)
    secure_cookies: bool = False  # set when served over HTTPS
    session_max_age: int = 14 * 24 * 3600
    allowed_origins: list[str] = []  # empty: same origin only
    ws_compression: bool = False  # permessage-deflate: zlib state per open tab (~90-300 KB) and CPU per frame

    # limits
    max_message_length: int = 4000
    history_page_size: int = 50
    feed_window: int = 50  # items (messages, notices) an open room page keeps: as many as it opens with
    online_list_limit: int = 30  # people a room page lists before "show N more"
    max_avatar_bytes: int = 5 * 1024 * 1024
    max_avatar_pixels: int = 25_000_000
    message_rate: int = 10  # messages ...
    message_rate_window: float = 10.0  # ... per this many seconds
    room_create_rate: int = 20  # rooms per user per hour
    register_rate: int = 20  # registrations per client address per hour
    login_max_failures: int = 5
    login_lockout_window: float = 15 * 60
    db_threads: int = 4
    gc_freeze_interval: float = 1.0  # seconds between gc.freeze() calls (0: leave the collector alone)
    gc_full_interval: float = 600.0  # seconds between full collections of everything (chat/collector.py) ...
    gc_full_after_pages: int = 50  # ... or sooner, after this many closed pages (at once when no page is open)
    malloc_arena_max: int = 2  # glibc malloc arenas shared by the server's threads (0: glibc's default, 8 per core)
    malloc_trim: bool = True  # hand free memory back to the system after each full collection and every 5 s (glibc)

    @cached_property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f'sqlite:///{(self.data_dir / "chat.db").resolve()}'

    @cached_property
    def media_path(self) -> Path:
        return (self.media_dir or self.data_dir / 'media').resolve()

    def resolve_storage_secret(self) -> str:
        """The environment wins; otherwise a secret generated once and kept in the data folder."""
        if self.storage_secret:
            return self.storage_secret
        path = self.data_dir / 'storage_secret'
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(secret)
        return secret
