"""The viewer's language and colour theme as the browser first draws a page, and the switch that changes the theme live.

NiceGUI takes the `lang` attribute of the page, Quasar's language pack, its "Connection lost" notice and the first
paint's light or dark colours from the options of the route (`ui.page(language=..., dark=...)`), which are the same
for everyone. Each page gets its own copy of those options carrying its viewer's choices instead, so a Russian
reader's reconnect notice is Russian and a dark page never flashes white while it loads.
"""

from __future__ import annotations

import copy

from nicegui import ui
from nicegui.elements.dark_mode import DarkMode

from chat.i18n import LANGUAGES

DARK: dict[str | None, bool | None] = {'light': False, 'dark': True, None: None}  # None: follow the system
THEME_KEYS: dict[str | None, str] = {'light': 'theme_light', 'dark': 'theme_dark', None: 'theme_system'}
PAGE_LANGUAGES = {'en': 'en-US', 'ru': 'ru'}  # NiceGUI's names (its `Language`)
SESSION_KEY = 'theme'  # the browser session keeps the last choice for the pages before sign-in


def theme_of(value: object) -> str | None:
    """A stored or remembered theme, or None (follow the system) for anything unknown."""
    return value if isinstance(value, str) and value in DARK else None


def prepare_page(lang: str, theme: str | None) -> DarkMode:
    """Called while the page is built: this page speaks `lang` and opens in `theme`; returns the live switch."""
    client = ui.context.client
    options = copy.copy(client.page)
    options.language = PAGE_LANGUAGES[lang] if lang in LANGUAGES else PAGE_LANGUAGES['en']  # type: ignore[assignment]
    options.dark = DARK[theme_of(theme)]
    client.page = options
    return ui.dark_mode(options.dark)
