"""The viewer's language and colour theme as the browser first draws a page, and the switch that changes the theme live.

NiceGUI takes the `lang` attribute of the page, Quasar's language pack, its "Connection lost" notice and the first
paint's light or dark colours from the options of the route (`ui.page(language=..., dark=...)`), which are the same
for everyone. Each page gets its own copy of those options carrying its viewer's choices instead, so a Russian
reader's reconnect notice is Russian and a dark page never flashes white while it loads.

The colours meet WCAG 2.1 AA (tests/e2e/test_accessibility.py): NiceGUI's default primary blue and positive green are
too light for white text on them, so the brand colours are darker shades; and on a dark page, where Quasar keeps the
same colours, what uses them as the colour of text (a flat button, an outlined badge, the active room) is lighter.
Links and keyboard focus get the same care, all from here: one style sheet shared by every page.
"""

from __future__ import annotations

import copy
from typing import Any

from nicegui import Client, app, context, ui
from nicegui.elements.dark_mode import DarkMode

from chat.i18n import LANGUAGES

DARK: dict[str | None, bool | None] = {'light': False, 'dark': True, None: None}  # None: follow the system
THEME_KEYS: dict[str | None, str] = {'light': 'theme_light', 'dark': 'theme_dark', None: 'theme_system'}
PAGE_LANGUAGES = {'en': 'en-US', 'ru': 'ru'}  # NiceGUI's names (its `Language`)
SESSION_KEY = 'theme'  # the browser session keeps the last choice for the pages before sign-in
# Quasar's palette, app-wide: white text on primary 5.8:1 and on positive 5.1:1 (NiceGUI's defaults: 3.1 and 2.6)
BRAND = {'primary': '#1565C0', 'positive': '#2E7D32'}
LINK_CLASSES = 'text-blue-800 dark:text-blue-300'  # NiceGUI's link blue is 3.7:1 on white
# every page: on a dark page a brand colour used for text is a lighter shade (Tailwind's blue-300, green-400, red-400,
# gray-400), and whatever the keyboard reaches shows a solid ring (Quasar's focus helper is a faint shade): black on
# light, white on dark, both clear of the header's blue. All !important, like Quasar's colour classes and its
# `no-outline` on buttons. One style sheet shared by every page (classes on each page's body cost an element each),
# in Tailwind's layer of utilities: an !important rule there beats Quasar's (in a later layer), as a class would
FOCUSABLE = ':is(.q-btn, .q-item, a, [tabindex="0"]:not(input, textarea)):focus-visible'
PAGE_CSS = f"""@layer utilities {{
body.body--dark :is(.text-primary, .q-item--active) {{ color: oklch(80.9% 0.105 251.813) !important; }}
body.body--dark .text-positive {{ color: oklch(79.2% 0.209 151.711) !important; }}
body.body--dark .text-negative {{ color: oklch(70.4% 0.191 22.216) !important; }}
body.body--dark .text-grey-7 {{ color: oklch(70.7% 0.022 261.325) !important; }}
body {FOCUSABLE} {{
  outline-style: solid !important; outline-width: 2px !important; outline-offset: 2px !important;
  outline-color: #000 !important;
}}
body.body--dark {FOCUSABLE} {{ outline-color: #fff !important; }}
}}
"""
PAGE_CSS_MARK = 'body.body--dark :is(.text-primary'


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


def install() -> None:
    """Once, as the pages are registered: the brand colours and the links' colour for every page."""
    app.colors(**BRAND)
    ui.link.default_classes(LINK_CLASSES)
    if PAGE_CSS_MARK not in Client.shared_head_html:  # once, however often the pages are registered (tests)
        ui.add_css(PAGE_CSS, shared=True)


class LiveTheme:
    """Switches an open page between light, dark and the system's choice. Its element (`ui.dark_mode`) is made the
    first time the theme changes on that page (most pages never need one), in the page's layout rather than where
    the choice was made: the choice is a click in the user menu, which closes on it, and a closed Quasar menu
    unmounts its content, so a switch in there misses a change that arrives after the menu has closed."""

    def __init__(self) -> None:
        self._switch: DarkMode | None = None

    def set(self, theme: str | None) -> None:
        value = DARK[theme_of(theme)]
        if self._switch is None:
            with context.client.layout:
                self._switch = ui.dark_mode(value)
        else:
            self._switch.value = value
