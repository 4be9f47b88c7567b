"""Attachments in Chromium: Anna attaches a photo and a PDF with the paperclip, Boris's tab shows the thumbnail and
the file live, and the thumbnail opens the full picture. The screenshots in docs/screenshots/attachments-*.png
(desktop and phone, English and Russian, light and dark) come from here."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import Person, Server, screenshot, sees_message

PHONE = {'width': 390, 'height': 844}
NAMES = {
    'en': ('Anna', 'Boris', 'Garden', 'Our new apple tree!', 'Here is the planting plan', 'planting-plan.pdf'),
    'ru': ('Анна', 'Борис', 'Сад', 'Наша новая яблоня!', 'Вот план посадок', 'план-посадок.pdf'),
}


def photo() -> bytes:
    """A small landscape "photo": sky, grass, a tree."""
    image = Image.new('RGB', (1200, 800), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 1200, 800), fill=(90, 160, 70))
    draw.rectangle((570, 380, 630, 620), fill=(110, 75, 40))
    draw.ellipse((430, 170, 770, 470), fill=(40, 120, 50))
    for x, y in ((520, 260), (640, 300), (580, 380), (700, 230)):
        draw.ellipse((x, y, x + 36, y + 36), fill=(210, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=90)
    return buffer.getvalue()


PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' + b'%' * 20_000 + b'\n%%EOF\n'


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_an_image_reaches_the_other_tab_and_opens_full_size(browser: Browser, own: Server, lang: str) -> None:
    anna_name, boris_name, room_name, caption, note, pdf_name = NAMES[lang]
    locale = 'ru-RU' if lang == 'ru' else 'en-US'
    anna = Person(browser, own, f'anna_{lang}', display_name=anna_name, locale=locale).register()
    boris = Person(browser, own, f'boris_{lang}', display_name=boris_name, locale=locale).register()
    try:
        room = anna.create_room(room_name)
        boris.enter(room)
        page = anna.page
        page.locator('[data-testid=attach]').click()
        with page.expect_file_chooser() as chooser:
            page.locator('[data-testid=attach-upload] label').first.click()
        chooser.value.set_files({'name': 'apple-tree.jpg', 'mimeType': 'image/jpeg', 'buffer': photo()})
        expect(page.locator('[data-testid=pending-file]')).to_have_count(1)
        anna.say(caption)
        sees_message(boris, caption)
        thumb = boris.page.locator('[data-testid=attachment-image] img')
        expect(thumb).to_be_visible()
        # the thumbnail loaded (a picture, not a broken image)
        boris.page.wait_for_function(
            'img => img.complete && img.naturalWidth > 0', arg=thumb.element_handle(), timeout=10_000
        )
        with boris.context.expect_page() as opened:
            boris.page.locator('[data-testid=attachment-image]').click()
        full = opened.value
        full.wait_for_load_state()
        assert '/files/' in full.url
        size = full.evaluate('() => [document.images[0].naturalWidth, document.images[0].naturalHeight]')
        assert size == [1200, 800]
        full.close()

        # a document, dragged-and-dropped as people do: through the drop zone's input
        page.locator('[data-testid=attach]').click()
        expect(page.locator('[data-testid=attach-upload]')).to_be_visible()
        screenshot(page, f'attachments-drop-zone-{lang}.png')
        page.locator('[data-testid=attach-upload] input[type=file]').set_input_files(
            {'name': pdf_name, 'mimeType': 'application/pdf', 'buffer': PDF}
        )
        expect(page.locator('[data-testid=pending-file]')).to_have_count(1)
        page.locator('textarea[data-testid=message-input]').fill(note)
        screenshot(page, f'attachments-pending-{lang}.png')
        anna.say(note)
        sees_message(boris, note)
        expect(boris.page.locator('[data-testid=attachment-file]')).to_contain_text(pdf_name)
        boris.say('👍')
        sees_message(anna, '👍')

        for theme in ('light', 'dark'):
            boris.page.emulate_media(color_scheme=theme)
            boris.page.set_viewport_size({'width': 1280, 'height': 800})
            screenshot(boris.page, f'attachments-desktop-{lang}-{theme}.png')
            boris.page.set_viewport_size(PHONE)
            screenshot(boris.page, f'attachments-phone-{lang}-{theme}.png')
    finally:
        anna.close()
        boris.close()
