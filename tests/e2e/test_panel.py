"""Journeys 4 and 5 through the control panel: renaming and deleting a room, uploading an avatar."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.helpers import connected, screenshot, sees_message

pytestmark = pytest.mark.e2e
DEFAULT_ROSA = re.compile('^/avatars/default/rosa[.]png$')
MEDIA = re.compile(r'^/media/[0-9a-f]{64}')  # an uploaded avatar (content-hash name)


def test_owner_renames_then_deletes_a_room_and_the_others_are_told(people) -> None:
    olga, pavel = people('olga', 'Olga'), people('pavel', 'Pavel')
    olga.register()
    pavel.register()
    room_id = olga.create_room('Observatory')
    pavel.enter(room_id)
    lobby = pavel.new_page()  # Pavel also has the room list open
    lobby.goto('/')
    expect(lobby.get_by_role('link', name='Observatory', exact=True)).to_be_visible()

    panel = olga.new_page()  # the owner opens the control panel beside the room
    panel.goto('/panel')
    row = panel.locator(f'[data-testid=panel-room-{room_id}]')
    expect(row).to_contain_text('Observatory')
    connected(panel)  # the new name reaches the server before the click that saves it
    panel.locator(f'input[data-testid=rename-{room_id}]').fill('Star Deck')
    panel.locator(f'[data-testid=rename-save-{room_id}]').click()
    expect(row.get_by_role('link')).to_have_text('Star Deck')

    for page in (pavel.page, olga.page):  # live, in the open room: its title and a notice
        expect(page.locator('header')).to_contain_text('Star Deck')
        expect(page.locator('[data-testid=feed] .notice').filter(has_text='Star Deck')).to_have_count(1)
    expect(lobby.get_by_role('link', name='Star Deck', exact=True)).to_be_visible()
    expect(lobby.get_by_role('link', name='Observatory', exact=True)).to_have_count(0)

    panel.locator(f'[data-testid=delete-{room_id}]').click()
    panel.locator('[data-testid=confirm-delete]').click()
    expect(row).to_have_count(0)
    deleted_notice = panel.locator('.q-notification').filter(has_text='Room “Star Deck” deleted.')
    expect(deleted_notice).to_be_visible()

    for page in (pavel.page, olga.page):  # both room pages say why and stay; the way back is a link
        expect(page.locator('[data-testid=page-gone]')).to_have_text('The room “Star Deck” was deleted.')
        expect(page.locator('textarea[data-testid=message-input]')).to_have_count(0)
        assert page.url.endswith(f'/room/{room_id}')
        page.locator('[data-testid=page-gone-link]').click()
        page.wait_for_url(lambda url: url.rstrip('/').endswith(str(pavel.server.port)))
        expect(page.locator('[data-testid=room-list]')).to_be_visible()
        expect(page.get_by_role('link', name='Star Deck', exact=True)).to_have_count(0)
    expect(lobby.get_by_role('link', name='Star Deck', exact=True)).to_have_count(0)
    pavel.page.goto(f'/room/{room_id}')
    expect(pavel.page.locator('textarea[data-testid=message-input]')).to_have_count(0)


def avatar_png() -> bytes:
    image = Image.new('RGB', (256, 256), (255, 244, 214))
    draw = ImageDraw.Draw(image)
    draw.ellipse((28, 28, 228, 228), fill=(232, 110, 40))
    draw.ellipse((88, 84, 112, 120), fill=(40, 40, 60))
    draw.ellipse((144, 84, 168, 120), fill=(40, 40, 60))
    draw.arc((78, 110, 178, 190), start=20, end=160, fill=(40, 40, 60), width=8)
    buffer = io.BytesIO()
    image.save(buffer, 'PNG')
    return buffer.getvalue()


SHOWS_IMAGE = """([selector, index, pattern]) => {
    const found = [...document.querySelectorAll(selector)];
    const element = found.at(index);
    if (!element) return false;
    const images = element.tagName === 'IMG' ? [element] : [...element.querySelectorAll('img')];
    return images.length === 1 && new RegExp(pattern).test(images[0].getAttribute('src') || '')
        && images[0].complete && images[0].naturalWidth > 0;
}"""


def shows_image(page, selector: str, pattern: re.Pattern[str], *, index: int = 0) -> None:
    """The element (CSS `selector`, looked up afresh while waiting: lists rebuild their rows) shows one image from a
    matching address, fetched and decoded (a q-img crossfades through two while it changes)."""
    page.wait_for_function(SHOWS_IMAGE, arg=[selector, index, pattern.pattern])


def test_avatar_upload_shows_next_to_messages_and_in_the_online_list(people) -> None:
    rosa, sam = people('rosa', 'Rosa'), people('sam', 'Sam')
    rosa.register()
    sam.register()
    room_id = rosa.create_room('Studio')
    sam.enter(room_id)
    rosa.say('New paints arrived')
    sees_message(sam, 'New paints arrived')
    online_rosa, message_avatar = '[data-testid=online-rosa] img', '[data-testid=feed] .q-message-avatar'
    shows_image(sam.page, online_rosa, DEFAULT_ROSA)
    shows_image(sam.page, message_avatar, DEFAULT_ROSA)

    panel = rosa.new_page()  # Rosa stays in the room in her first tab
    panel.goto('/panel')
    expect(panel.locator('input[data-testid=profile-display-name]')).to_have_value('Rosa')
    panel.locator('[data-testid=avatar-upload] input[type=file]').set_input_files(
        files=[{'name': 'rosa.png', 'mimeType': 'image/png', 'buffer': avatar_png()}]
    )
    shows_image(panel, '[data-testid=avatar-preview]', MEDIA)
    screenshot(panel, 'control-panel.png', full_page=True)  # down to the room list

    # Sam sees it live, without reloading: in the online list and next to Rosa's message
    shows_image(sam.page, online_rosa, MEDIA)
    shows_image(sam.page, message_avatar, MEDIA)
    shows_image(sam.page, '[data-testid=online-sam] img', re.compile('^/avatars/default/sam[.]png$'))
    rosa.say('Do you like my new picture')
    sees_message(sam, 'Do you like my new picture')
    shows_image(sam.page, message_avatar, MEDIA, index=-1)
