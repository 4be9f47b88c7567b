"""Browser security headers (pages/security.py): every page works in Chromium under the Content-Security-Policy with
no violation reported, and another site cannot frame the app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Person, Server, sees_message
from tests.e2e.test_panel import MEDIA, avatar_png, shows_image

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
"""
POLICY_WORDS = re.compile('Content Security Policy|Content-Security-Policy|Permissions-Policy|Refused to', re.I)


def watch(person: Person) -> list[str]:
    """The console messages about a policy, from every page of this person (collected as they come)."""
    person.context.add_init_script(RECORD_VIOLATIONS)
    reported: list[str] = []

    def on_page(page: Page) -> None:
        page.on(
            'console',
            lambda message: (
                reported.append(f'{message.type}: {message.text}') if POLICY_WORDS.search(message.text) else None
            ),
        )

    for page in person.context.pages:
        on_page(page)
    person.context.on('page', on_page)
    return reported


def no_violations(page: Page) -> list[str]:
    return page.evaluate('window.cspViolations || ["no recorder: the init script did not run"]')


def test_every_page_works_under_the_content_security_policy(people, server: Server) -> None:
    tanya = people('tanya', 'Tanya')
    reported = watch(tanya)
    response = tanya.page.goto('/login')
    assert response is not None
    headers = response.headers
    policy = headers.get('content-security-policy', '')
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy and "default-src 'self'" in policy
    assert headers.get('x-content-type-options') == 'nosniff'
    assert headers.get('x-frame-options') == 'SAMEORIGIN'
    assert headers.get('referrer-policy') == 'same-origin'
    assert 'camera=()' in headers.get('permissions-policy', '')
    expect(tanya.page.locator('[data-testid=submit]')).to_have_text('Sign in')
    assert no_violations(tanya.page) == []

    tanya.register()  # the registration page, then the room list
    assert no_violations(tanya.page) == []
    room_id = tanya.create_room('Policies')
    tanya.say('Scripts, styles and the socket all still work')
    sees_message(tanya, 'Scripts, styles and the socket all still work')
    assert no_violations(tanya.page) == []

    panel = tanya.new_page()
    panel.goto('/panel')
    panel.locator('[data-testid=avatar-upload] input[type=file]').set_input_files(
        files=[{'name': 'tanya.png', 'mimeType': 'image/png', 'buffer': avatar_png()}]
    )
    shows_image(panel, '[data-testid=avatar-preview]', MEDIA)
    assert no_violations(panel) == []

    tanya.enter(room_id)
    shows_image(tanya.page, '[data-testid=online-tanya] img', MEDIA)
    assert no_violations(tanya.page) == []
    static = tanya.page.request.get(f'{server.url}/media/' + '0' * 64 + '.webp')
    assert static.headers.get('x-content-type-options') == 'nosniff'  # not only on pages
    assert reported == [], reported


def test_another_site_cannot_frame_the_app(people, server: Server) -> None:
    ursula = people('ursula')
    page = ursula.page
    page.set_content(f'<iframe id="app" src="{server.url}/login" width="600" height="400"></iframe>')
    page.wait_for_timeout(1500)  # time for the framed page to load if it would: checking that it does not
    frame = page.frame_locator('#app')
    expect(frame.locator('[data-testid=submit]')).to_have_count(0)
