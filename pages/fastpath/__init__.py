"""The speed layer: process-wide patches of NiceGUI, its transport and the runtime, and light page elements.

Everything here replaces private internals of libraries the messenger runs on, so it is written for exact versions
of them (`PINNED`). `enable` is called once by main.py when `CHAT_FASTPATH` is on; if an installed version differs
from the one a patch was written for, it logs one warning and changes nothing, and the messenger runs on plain
NiceGUI. Product code never imports this package: the pages build their repeated pieces through `pages.elements`,
which this layer may switch to light elements (`pages/fastpath/kit.py`).

Each patch has a name, small ones a group name too (`GROUPS`); `CHAT_FASTPATH_SKIP` leaves named ones out (for
measuring what each buys: docs/PERFORMANCE.md). What each one does and why is in its own docstring.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from chat.settings import Settings

log = logging.getLogger(__name__)

# the exact versions the patches were written and tested for (requirements.txt pins the same)
PINNED = {
    'nicegui': '3.18.0',
    'python-socketio': '5.18.1',
    'python-engineio': '4.15.1',
    'uvicorn': '0.55.0',
    'wsproto': '1.3.2',
    'starlette': '1.10.0',
}


@dataclass(frozen=True)
class Patch:
    name: str
    apply: Callable[[Settings], None]
    server_only: bool = False  # needs a running server: not applied in the test process of the `user` fixture


def _speedup(name: str) -> Callable[[Settings], None]:
    def apply(_: Settings) -> None:
        from pages.fastpath import speedups

        getattr(speedups, name)()

    return apply


def _static_cache(_: Settings) -> None:
    from pages.fastpath import static_cache

    static_cache.install()


def _direct_send(_: Settings) -> None:
    from pages.fastpath import direct_send

    direct_send.apply()


def _page_frame(_: Settings) -> None:
    from pages.fastpath import page_frame

    page_frame.apply()


def _closed_tabs(_: Settings) -> None:
    from pages.fastpath import closed_tabs

    closed_tabs.apply()


def _light_elements(_: Settings) -> None:
    from pages import elements
    from pages.fastpath.kit import LightKit
    from pages.fastpath.light import render_from_the_tree

    render_from_the_tree()
    elements.use(LightKit())


def _unconnected_pages(settings: Settings) -> None:
    from nicegui import app

    from pages.context import session_token
    from pages.fastpath.unconnected import UnconnectedPages

    unconnected = UnconnectedPages(
        settings.page_connect_timeout,
        settings.max_waiting_pages,
        session_of=lambda client: session_token(client._request),
    )
    app.on_startup(unconnected.start)
    app.on_shutdown(unconnected.stop)


def _collector(settings: Settings) -> None:
    from nicegui import Client, app

    from pages.fastpath.collector import CollectorSchedule, limit_malloc_arenas

    limit_malloc_arenas(settings.malloc_arena_max)  # before the server's threads start
    collector = CollectorSchedule(
        settings.gc_freeze_interval,
        settings.gc_full_interval,
        settings.gc_full_after_pages,
        open_pages=lambda: len(Client.instances),
        trim=settings.malloc_trim,
    )
    app.on_startup(collector.start)
    app.on_shutdown(collector.stop)
    app.on_delete(collector.page_closed)


PATCHES = (
    Patch('expects_arguments', _speedup('cache_expects_arguments')),
    Patch('binary_check', _speedup('fast_binary_check')),
    Patch('element_cycles', _speedup('break_cycles_of_removed_elements')),
    Patch('tab_storage', _speedup('close_memory_tab_storage')),
    Patch('client_cycles', _speedup('break_cycles_of_deleted_clients')),
    Patch('user_storage_cycles', _speedup('break_cycles_of_pruned_user_storage')),
    Patch('outbox_dict', _speedup('outbox_updates_in_a_plain_dict')),
    Patch('socket_bypass', _speedup('socket_skips_http_middleware')),
    Patch('asyncio_waiters', _speedup('asyncio_waiters_in_small_deques')),
    Patch('handshake_let_go', _speedup('websocket_handshake_let_go')),
    Patch('static_cache', _static_cache),
    Patch('socket_environ', _speedup('socket_environ_without_payload_class')),
    Patch('request_plumbing', _speedup('page_request_without_http_plumbing')),
    Patch('direct_send', _direct_send),
    Patch('sub_pages', _speedup('sub_pages_looked_for_only_where_made')),
    Patch('html_escape', _speedup('page_html_escaped_with_replace')),
    Patch('closed_tabs', _closed_tabs),
    Patch('light_elements', _light_elements),
    Patch('page_frame', _page_frame),
    Patch('unconnected', _unconnected_pages, server_only=True),
    Patch('collector', _collector, server_only=True),
)
# groups of small patches, measured and switched off together (docs/PERFORMANCE.md: "What each fast-path patch buys")
GROUPS = {
    'element_costs': ('expects_arguments', 'binary_check', 'outbox_dict', 'sub_pages', 'html_escape'),
    'connection_memory': (
        'socket_bypass',
        'socket_environ',
        'request_plumbing',
        'tab_storage',
        'asyncio_waiters',
        'handshake_let_go',
    ),
    'free_at_once': ('element_cycles', 'client_cycles', 'user_storage_cycles'),
}
NAMES = frozenset(patch.name for patch in PATCHES) | GROUPS.keys()

_APPLIED: set[str] = set()  # patches change classes for the whole process: each is applied at most once


def version_mismatches(installed: Callable[[str], str] = metadata.version) -> dict[str, tuple[str, str]]:
    """Library -> (pinned, installed) for every patched library whose installed version differs (or is missing)."""
    found = {}
    for name, pinned in PINNED.items():
        try:
            version = installed(name)
        except metadata.PackageNotFoundError:
            version = 'missing'
        if version != pinned:
            found[name] = (pinned, version)
    return found


def plan(settings: Settings, *, server: bool = True, installed: Callable[[str], str] = metadata.version) -> list[Patch]:
    """The patches `enable` applies: every one not named in `settings.fastpath_skip` (those needing a server only
    when `server`), or none when a patched library's version differs from `PINNED` (with one warning)."""
    unknown = set(settings.fastpath_skip) - NAMES
    if unknown:
        raise ValueError(
            f'CHAT_FASTPATH_SKIP names no patch: {", ".join(sorted(unknown))} '
            f'(patches: {", ".join(p.name for p in PATCHES)}; groups: {", ".join(GROUPS)})'
        )
    mismatches = version_mismatches(installed)
    if mismatches:
        found = ', '.join(f'{name} {version} (written for {pinned})' for name, (pinned, version) in mismatches.items())
        log.warning('speed layer off: it patches exact library versions and found %s; running on plain NiceGUI', found)
        return []
    skipped = {name for skip in settings.fastpath_skip for name in GROUPS.get(skip, (skip,))}
    return [p for p in PATCHES if p.name not in skipped and (server or not p.server_only)]


def enable(settings: Settings, *, server: bool = True) -> list[str]:
    """Applies the planned patches; returns their names."""
    applied = []
    for patch in plan(settings, server=server):
        if patch.server_only or patch.name not in _APPLIED:  # server hooks belong to this run's app
            patch.apply(settings)
            _APPLIED.add(patch.name)
        applied.append(patch.name)
    return applied


def enabled() -> frozenset[str]:
    """The patches applied in this process (for tests that check one of them)."""
    return frozenset(_APPLIED)
