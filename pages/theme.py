"""The viewer's language and colour theme as the browser first draws a page, and the switch that changes the theme live.

NiceGUI takes the `lang` attribute of the page, Quasar's language pack, its "Connection lost" notice and the first
paint's light or dark colours from the options of the route (`ui.page(language=..., dark=...)`), which are the same
for everyone. Each page gets its own copy of those options carrying its viewer's choices instead, so a Russian
reader's reconnect notice is Russian and a dark page never flashes white while it loads.
"""

from __future__ import annotations

import copy
from typing import Any

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


# the options of a route as each language and theme sees them: a handful of copies shared by every page
_OPTIONS: dict[tuple[Any, str, bool | None], Any] = {}


def prepare_page(lang: str, theme: str | None) -> None:
    """Called while the page is built: this page speaks `lang` and opens in `theme`."""
    client = ui.context.client
    language = PAGE_LANGUAGES[lang] if lang in LANGUAGES else PAGE_LANGUAGES['en']
    dark = DARK[theme_of(theme)]
    key = (client.page, language, dark)
    options = _OPTIONS.get(key)
    if options is None:
        options = _OPTIONS[key] = copy.copy(client.page)
        options.language = language
        options.dark = dark
    client.page = options


class LiveTheme:
    """Switches an open page between light, dark and the system's choice. Its element (`ui.dark_mode`) is made the
    first time the theme changes on that page: most pages never need one."""

    def __init__(self) -> None:
        self._switch: DarkMode | None = None

    def set(self, theme: str | None) -> None:
        value = DARK[theme_of(theme)]
        if self._switch is None:
            self._switch = ui.dark_mode(value)
        else:
            self._switch.value = value
