"""One settings object for the whole app, read from the environment (prefix ``CHAT_``) and an optional ``.env``
(or the file ``CHAT_ENV_FILE`` names: the tests name none, so that a developer's ``.env`` changes no test)."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='CHAT_', env_file='.env', extra='ignore')

    def __init__(self, **values: object) -> None:
        super().__init__(_env_file=os.environ.get('CHAT_ENV_FILE', '.env'), **values)  # type: ignore[call-arg]

    host: str = '127.0.0.1'
    port: int = Field(8080, ge=0, le=65535)  # 0: any free port
    data_dir: Path = Path('data')
    database_url: str | None = None  # default: SQLite file in data_dir
    redis_url: str | None = None  # unset: in-process hub and presence
    redis_prefix: str = Field('chat', min_length=1)
    storage_secret: str | None = None  # default: generated once into data_dir
    media_dir: Path | None = None  # default: data_dir / 'media'
    files_dir: Path | None = None  # attachments; default: data_dir / 'files' (shared by all instances when scaled out)
    default_language: Literal['en', 'ru'] = 'en'
    reconnect_timeout: float = Field(3.0, gt=0)
    page_connect_timeout: float = Field(20.0, gt=0)  # seconds a page waits for its socket (NiceGUI: 60)
    page_build_timeout: float = Field(10.0, gt=0, le=120)  # seconds a page may take to build (NiceGUI: 3, then 500)
    max_waiting_pages: int = Field(200, ge=1)  # pages waiting for their socket (pages/fastpath/unconnected.py)
    secure_cookies: bool = False  # set when served over HTTPS
    session_max_age: int = Field(14 * 24 * 3600, ge=0)  # 0: sessions expire at once (tests)
    allowed_origins: list[str] = []  # empty: same origin only
    shutdown_timeout: float = Field(10.0, ge=1, le=300)  # seconds a graceful stop may take (pages/shutdown.py)
    ws_compression: bool = False  # permessage-deflate: zlib state per open tab (~90-300 KB) and CPU per frame

    # operations (docs/operations.md): logs, the client address behind proxies, who may read /metrics
    log_format: Literal['text', 'json'] = 'text'
    log_level: Literal['debug', 'info', 'warning', 'error'] = 'info'
    trusted_proxies: Annotated[list[str], NoDecode] = []  # IPs/CIDRs whose X-Forwarded-For is believed
    metrics_token: SecretStr | None = None  # `Authorization: Bearer <token>` reads /metrics from anywhere
    metrics_loopback: bool = True  # loopback peers read /metrics without the token

    # the speed layer (pages/fastpath): on unless the installed libraries differ from the versions it patches
    fastpath: bool = True
    fastpath_skip: Annotated[list[str], NoDecode] = []  # patches left out, to measure each (a,b or a JSON list)

    # argon2id's cost per sign-in (~0.1-0.3 s of CPU at these defaults); lower only where that cannot be afforded.
    # A stored hash made at other parameters is re-made at the next sign-in.
    password_memory_kib: int = Field(65536, ge=64)
    password_time_cost: int = Field(3, ge=1)

    # limits
    max_message_length: int = Field(4000, ge=1, le=100_000)
    history_page_size: int = Field(50, ge=1, le=1000)
    feed_window: int = Field(50, ge=1)  # items (messages, notices) an open room page keeps
    online_list_limit: int = Field(30, ge=1)  # people a room page lists before "show N more"
    max_avatar_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    max_avatar_pixels: int = Field(16_000_000, ge=256 * 256)  # a WebP may have a quarter (chat/avatars.py)
    message_burst: int = Field(20, ge=1)  # messages a user may send at once (chat/ratelimit.py TokenBucket) ...
    message_rate: int = Field(10, ge=1)  # ... and then, sustained, this many messages ...
    message_rate_window: float = Field(10.0, gt=0)  # ... per this many seconds (edits count as messages)
    edit_window: int = Field(24 * 3600, ge=0)  # seconds after posting during which the author may edit a message
    reaction_rate: int = Field(30, ge=1)  # reactions added or removed ...
    reaction_rate_window: float = Field(10.0, gt=0)  # ... per this many seconds
    typing_interval: float = Field(3.0, gt=0)  # seconds between two "is typing" reports of one person in one room
    typing_expiry: float = Field(6.0, gt=0)  # seconds a page shows "is typing" after the person's last report
    read_flush_interval: float = Field(2.0, gt=0)  # seconds read marks wait in memory before they are stored together
    room_create_rate: int = Field(20, ge=1)  # rooms per user per hour
    register_rate: int = Field(20, ge=1)  # registrations per client address per hour
    login_max_failures: int = Field(5, ge=1)
    login_lockout_window: float = Field(15 * 60, gt=0)
    search_max_query_length: int = Field(200, ge=10, le=2000)  # characters of a search (chat/search.py)
    search_page_size: int = Field(20, ge=1, le=100)  # results per page of a search
    search_rate: int = Field(30, ge=1)  # searches (and their further pages) per user ...
    search_rate_window: float = Field(60.0, gt=0)  # ... per this many seconds
    db_threads: int = Field(4, ge=1, le=64)
    gc_freeze_interval: float = Field(1.0, ge=0)  # seconds between gc.freeze() calls (0: leave the collector alone)
    gc_full_interval: float = Field(600.0, gt=0)  # seconds between full collections (pages/fastpath/collector.py)
    gc_full_after_pages: int = Field(50, ge=1)  # ... or sooner, after this many closed pages
    malloc_arena_max: int = Field(2, ge=0)  # glibc malloc arenas shared by the server's threads (0: glibc's default)
    malloc_trim: bool = True  # hand free memory back to the system after each full collection and every 5 s (glibc)
    # attachments (chat/files.py): per file, per user and day, images' pixels, how long an unsent upload is kept
    max_file_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    file_quota_bytes: int = Field(200 * 1024 * 1024, ge=1024)  # bytes a user may upload per 24 hours
    max_file_pixels: int = Field(24_000_000, ge=256 * 256)  # an image's declared pixels (a WebP: a quarter)
    max_files_per_message: int = Field(10, ge=1, le=100)
    upload_orphan_age: float = Field(3600.0, gt=0)  # seconds before an upload never sent is deleted

    @field_validator('fastpath_skip', 'trusted_proxies', mode='before')
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lstrip().startswith('['):
                return json.loads(value)
            return [name.strip() for name in value.split(',') if name.strip()]
        return value

    @field_validator('trusted_proxies')
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f'{entry!r} is not an IP address or CIDR network') from None
        return value

    @field_validator('data_dir', 'media_dir', 'files_dir')
    @classmethod
    def _not_a_file(cls, value: Path | None) -> Path | None:
        if value is not None and value.exists() and not value.is_dir():
            raise ValueError(f'{value} exists and is not a folder')
        return value

    @cached_property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f'sqlite:///{(self.data_dir / "chat.db").resolve()}'

    @cached_property
    def trusted_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in self.trusted_proxies)

    @cached_property
    def media_path(self) -> Path:
        return (self.media_dir or self.data_dir / 'media').resolve()

    @cached_property
    def files_path(self) -> Path:
        """Attachments, content-addressed: `files/ab/abcdef...` (chat/files.py)."""
        return (self.files_dir or self.data_dir / 'files').resolve()

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
