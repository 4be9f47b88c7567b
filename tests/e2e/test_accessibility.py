"""Every screen passes an axe-core audit (WCAG 2.1 A and AA rules) in Chromium: on a desktop and on a phone, in the
light and in the dark theme.

axe-core checks what a machine can check (contrast, names of controls and images, labels, landmarks, scrollable
regions reachable by keyboard); it comes bundled with the `axe-playwright-python` package, so the audit needs no
network. The dark theme is the system's choice (Chromium's emulated `prefers-color-scheme`), which a new account
follows. One server, two people and a conversation are set up once; each case is one page load and one audit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import Person, Server, open_user_menu, sees_message

AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
SIZES = {'desktop': {'width': 1280, 'height': 800}, 'phone': {'width': 390, 'height': 844}}
THEMES = ['light', 'dark']
SCREENS = ['sign-in', 'registration', 'rooms', 'room', 'message-menu', 'user-menu', 'panel', 'search', 'not-found']
ANONYMOUS = ('sign-in', 'registration')
OVERLAYS = {'message-menu': '.q-dialog', 'user-menu': '.q-menu'}  # audited alone: the page behind is inert
READY = {  # what each screen shows once it is drawn
    'sign-in': 'input[data-testid=username]',
    'registration': 'input[data-testid=display-name]',
    'rooms': '[data-testid=online-count]',
    'room': '[data-testid=mention]',
    'message-menu': '[data-testid=react-👍]',
    'user-menu': '[data-testid=theme]',
    'panel': '[data-testid=avatar-preview]',
    'search': '[data-testid=search-result]',
    'not-found': '[data-testid=not-found]',
}


@dataclass
class Scene:
    server: Server
    anna: Person
    room: int


@pytest.fixture(scope='module')
def scene(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """A server of its own with a conversation in it: Anna's and Boris's messages, a reply, a reaction, a mention,
    and an unread message for Anna in a second room (so the room list shows its badges)."""
    server = Server(tmp_path_factory.mktemp('a11y') / 'data').start()
    anna = Person(browser, server, 'anna_a11y', display_name='Anna').register()
    boris = Person(browser, server, 'boris_a11y', display_name='Boris').register()
    try:
        other = anna.create_room('Book club')
        room = anna.create_room('Weekend trip')
        boris.enter(room)
        anna.say('Who brings the **cake** on Saturday?')
        sees_message(boris, 'Saturday')
        bubble = boris.page.locator('[data-testid=feed] .q-message').filter(has_text='Saturday').last
        bubble.hover()
        bubble.locator('[data-testid=message-menu]').click()
        boris.page.locator('[data-testid=action-reply]').click()
        boris.say('I do! And `candles`')
        sees_message(anna, 'candles')
        bubble = anna.page.locator('[data-testid=feed] .q-message').filter(has_text='candles').last
        bubble.hover()
        bubble.locator('[data-testid=message-menu]').click()
        anna.page.locator('[data-testid=react-👍]').click()
        expect(boris.page.locator('[data-testid=reaction]').first).to_have_text('👍 1')
        boris.say('@anna_a11y see you at 10')
        sees_message(anna, 'see you at 10')
        boris.enter(other)
        boris.say('@anna_a11y which book next?')
        boris.close()
        yield Scene(server, anna, room)
    finally:
        boris.close()
        anna.close()
        server.stop()


def _open(browser: Browser, scene: Scene, screen: str, size: str, theme: str) -> Page:
    """The screen in a page of its own: anonymous screens in a fresh browser context, the others as Anna."""
    if screen in ANONYMOUS:
        context = browser.new_context(base_url=scene.server.url, locale='en-US', timezone_id='UTC')
        page = context.new_page()
    else:
        page = scene.anna.context.new_page()
    page.set_viewport_size(SIZES[size])
    page.emulate_media(color_scheme=theme)
    address = {
        'sign-in': '/login',
        'registration': '/register',
        'rooms': '/',
        'room': f'/room/{scene.room}',
        'message-menu': f'/room/{scene.room}',
        'user-menu': '/',
        'panel': '/panel',
        'search': '/search?q=cake',
        'not-found': '/no/such/page',
    }[screen]
    page.goto(address)
    if screen == 'message-menu':
        bubble = page.locator('[data-testid=feed] .q-message').filter(has_text='candles').last
        bubble.hover()
        bubble.locator('[data-testid=message-menu]').click()
    elif screen == 'user-menu':
        open_user_menu(page)
    expect(page.locator(READY[screen]).first).to_be_visible()
    expect(page.locator('body.body--dark')).to_have_count(1 if theme == 'dark' else 0)
    page.wait_for_timeout(400)  # Quasar's transitions (drawers, fading in) end: axe judges colours as drawn
    return page


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f'{violation["id"]} ({violation["impact"]}): {violation["help"]}')
        for node in violation['nodes'][:8]:
            summary = (node.get('failureSummary') or '').replace('\n', ' ')
            lines.append(f'    {" > ".join(map(str, node["target"]))}  {node.get("html", "")[:160]}')
            lines.append(f'        {summary[:300]}')
        if len(violation['nodes']) > 8:
            lines.append(f'    ... and {len(violation["nodes"]) - 8} more')
    return '\n'.join(lines)


@pytest.mark.parametrize('theme', THEMES)
@pytest.mark.parametrize('size', list(SIZES))
@pytest.mark.parametrize('screen', SCREENS)
def test_screen_has_no_axe_violations(browser: Browser, scene: Scene, screen: str, size: str, theme: str) -> None:
    page = _open(browser, scene, screen, size, theme)
    try:
        options = {'runOnly': {'type': 'tag', 'values': AXE_TAGS}, 'resultTypes': ['violations']}
        context = {'include': [[OVERLAYS[screen]]]} if screen in OVERLAYS else None
        results = Axe().run(page, context=context, options=options)
        violations = results.response['violations']
        assert not violations, f'{screen}, {size}, {theme}: {len(violations)} rules violated\n{_describe(violations)}'
    finally:
        if screen in ANONYMOUS:
            page.context.close()
        else:
            page.close()


@pytest.mark.parametrize('theme', THEMES)
def test_the_keyboard_focus_shows_a_solid_ring(scene: Scene, theme: str) -> None:
    """Tabbing from the top of the control panel: every control it reaches shows a 2 px outline (black on the light
    page, white on the dark one), a field by its own focused border instead."""
    page = scene.anna.context.new_page()
    try:
        page.emulate_media(color_scheme=theme)
        page.goto('/panel')
        expect(page.locator(READY['panel'])).to_be_visible()
        expected = 'rgb(0, 0, 0)' if theme == 'light' else 'rgb(255, 255, 255)'
        seen = []
        for _ in range(8):
            page.keyboard.press('Tab')
            focused = page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                   return [e.tagName, e.getAttribute('data-testid') || e.textContent.trim().slice(0, 30),
                           s.outlineStyle, s.outlineWidth, s.outlineColor]; }"""
            )
            seen.append(focused)
            if focused[0] in ('INPUT', 'TEXTAREA'):
                continue
            assert focused[2:] == ['solid', '2px', expected], f'no focus ring on {focused[:2]}: {focused[2:]}'
        assert any(tag == 'BUTTON' for tag, *_ in seen), seen
    finally:
        page.close()


def test_the_avatar_picker_opens_the_file_dialog_from_the_keyboard(scene: Scene) -> None:
    """The uploader's header is a label (the file input's name): tabbed to, Enter opens the browser's file dialog."""
    page = scene.anna.context.new_page()
    try:
        page.goto('/panel')
        picker = page.locator('[data-testid=avatar-upload] label')
        expect(picker).to_contain_text('Upload an image')
        picker.focus()
        with page.expect_file_chooser() as chooser:
            page.keyboard.press('Enter')
        assert chooser.value.element.get_attribute('accept') == 'image/png,image/jpeg,image/webp,image/gif'
    finally:
        page.close()


@pytest.mark.parametrize('theme', THEMES)
def test_a_skip_link_leads_the_keyboard_past_the_header_to_the_messages(scene: Scene, theme: str) -> None:
    """In a room, the first Tab from the top of the page shows "Skip to messages" (legible: audited too); Enter puts
    the focus on the feed, where the arrow keys scroll."""
    page = scene.anna.context.new_page()
    try:
        page.emulate_media(color_scheme=theme)
        page.goto(f'/room/{scene.room}')
        expect(page.locator(READY['room'])).to_be_visible()
        page.locator('.q-layout').focus()  # the composer has the focus: as if Tab came from the top of the page
        page.keyboard.press('Tab')
        link = page.get_by_role('link', name='Skip to messages')
        expect(link).to_be_focused()
        expect(link).to_be_visible()
        results = Axe().run(page, context={'include': [['[data-testid=skip-link]']]}, options={'runOnly': AXE_TAGS})
        assert not results.response['violations'], _describe(results.response['violations'])
        page.keyboard.press('Enter')
        expect(page.locator('[data-testid=feed]')).to_be_focused()
    finally:
        page.close()
