"""Attachments as people use them: the paperclip opens the drop zone, files wait under the field until sent, the
others see the image and the file live; refusals are said in the uploader's language and lose nothing typed; the
download route answers only a signed-in reader."""

from __future__ import annotations

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from storage import rooms as room_queries
from tests.ui import images
from tests.ui.helpers import by_testid, open_room, people_in_room, register, send, services, value_of, wait_for
from tests.waiting import until


async def _attach(person: User, *files: tuple[str, str, bytes]) -> None:
    if not any(e.visible for e in _tiles(person, 'attach-upload')):  # the paperclip opens the drop zone
        by_testid(person, 'attach').click()
    (uploader,) = by_testid(person, 'attach-upload').elements
    assert isinstance(uploader, ui.upload) and uploader.visible
    before, said = len(_pending(person)), value_of_error(person)
    await uploader.handle_uploads([SmallFileUpload(name, mime, data) for name, mime, data in files])
    await until(
        lambda: len(_pending(person)) > before or value_of_error(person) not in ('', said),
        what=lambda: f'files waiting on the page (error: {value_of_error(person)!r})',
    )


def _pending(person: User) -> list[ui.element]:
    if person.client is None:
        return []
    return [e for e in person.client.layout.descendants() if e.props.get('data-testid') == 'pending-file']


def value_of_error(person: User) -> str:
    (error,) = by_testid(person, 'send-error').elements
    return getattr(error, 'text', '') or getattr(error, '_text', '')


def _tiles(person: User, testid: str) -> list[ui.element]:
    if person.client is None:
        return []
    return [e for e in person.client.layout.descendants() if e.props.get('data-testid') == testid and not e.is_deleted]


async def test_an_image_and_a_pdf_reach_the_others_live_and_with_history(user: User, create_user) -> None:
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'])
    await _attach(anna, ('cat.png', 'image/png', images.png(600, 400)), ('report.pdf', 'application/pdf', b'%PDF-1.4'))
    assert len(_pending(anna)) == 2
    await send(anna, 'Our cat and the report')
    await boris.should_see('Our cat and the report')
    await until(lambda: _tiles(boris, 'attachment-image') and _tiles(boris, 'attachment-file'))
    (image,) = _tiles(boris, 'attachment-image')
    (document,) = _tiles(boris, 'attachment-file')
    assert image.props['href'].startswith('/files/') and image.props['aria-label'] == 'Open cat.png full size'
    (thumb,) = image.default_slot.children
    assert thumb.props['src'] == image.props['href'] + '/thumb'
    assert (thumb.props['width'], thumb.props['height']) == (240, 160)
    assert document.props['aria-label'] == 'Download report.pdf'
    await boris.should_see('report.pdf')
    await boris.should_see('8\u00a0bytes')  # a no-break space between number and unit
    assert _pending(anna) == [] and value_of(anna, 'message-input') == ''

    # the reader downloads both; the image shows inline, the PDF downloads
    thumb_answer = await boris.http_client.get(thumb.props['src'])
    assert thumb_answer.status_code == 200 and thumb_answer.headers['content-type'] == 'image/webp'
    answer = await boris.http_client.get(document.props['href'])
    assert answer.status_code == 200 and answer.content == b'%PDF-1.4'
    assert answer.headers['content-disposition'].startswith('attachment')
    assert answer.headers['x-content-type-options'] == 'nosniff'
    assert "default-src 'none'" in answer.headers['content-security-policy']
    picture = await boris.http_client.get(image.props['href'])
    assert picture.headers['content-disposition'].startswith('inline')
    assert picture.headers['content-type'] == 'image/png'

    # a new page loads them with the history
    carl = create_user()
    await register(carl, 'carl')
    await carl.open(boris.back_history[-1])
    await wait_for(carl, 'attachment-image')
    await carl.should_see('report.pdf')


async def test_files_alone_make_a_message_and_go_with_its_deletion(user: User, create_user) -> None:
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'])
    await _attach(anna, ('notes.txt', 'text/plain', 'заметки'.encode()))
    by_testid(anna, 'send').click()
    await wait_for(boris, 'attachment-file')
    await boris.should_see('notes.txt')
    (message,) = await services().messages.history(int(str(boris.back_history[-1]).rsplit('/', 1)[-1]))
    assert message.body == '' and message.attachments[0].name == 'notes.txt'
    await services().messages.delete(message.author, message.room_id, message.id)
    await until(lambda: not _tiles(boris, 'attachment-file'))
    answer = await boris.http_client.get(message.attachments[0].url)
    assert answer.status_code == 404


async def test_refusals_are_said_in_the_uploaders_language_and_keep_the_text(user: User, create_user) -> None:
    (anna,) = await people_in_room(user, create_user, ['Anna'])
    by_testid(anna, 'message-input').type('keep me')
    await _attach(anna, ('photo.png', 'image/png', b'not an image at all'))
    assert value_of_error(anna) == 'photo.png: this file is not a readable image (or it is truncated).'
    await _attach(anna, ('run.exe', 'application/octet-stream', b'MZ\x90\x00' + bytes(range(256))))
    assert 'run.exe: this kind of file is not accepted' in value_of_error(anna)
    assert value_of(anna, 'message-input') == 'keep me' and _pending(anna) == []


async def test_refusal_in_russian(user: User, create_user) -> None:
    (anna,) = await people_in_room(user, create_user, ['Anna'])
    room_page = anna.back_history[-1]
    from storage import users as user_queries

    def russian(session) -> None:  # type: ignore[no-untyped-def]
        found = user_queries.by_username(session, 'anna')
        assert found is not None
        found.language = 'ru'
        user_queries.save(session, found)

    await services().db.run(russian)
    await anna.open(room_page)
    await wait_for(anna, 'attach')
    by_testid(anna, 'message-input').type('не потеряй')
    big = b'a' * (services().settings.max_file_bytes + 1)
    await _attach(anna, ('big.txt', 'text/plain', big))
    assert value_of_error(anna) == 'big.txt: файл слишком большой (не больше 20\u00a0МБ).'
    assert value_of(anna, 'message-input') == 'не потеряй'


async def test_the_download_route_needs_a_session_and_a_known_id(user: User, create_user) -> None:
    (anna,) = await people_in_room(user, create_user, ['Anna'])
    await _attach(anna, ('a.txt', 'text/plain', b'secret words'))
    await send(anna, 'here')
    await wait_for(anna, 'attachment-file')
    (link,) = _tiles(anna, 'attachment-file')
    url = link.props['href']
    assert (await anna.http_client.get(url)).status_code == 200
    assert (await anna.http_client.get('/files/unknown-id')).status_code == 404
    assert (await anna.http_client.get(url + '/thumb')).status_code == 404  # no thumbnail for a text
    anna.http_client.cookies.clear()
    stranger = await anna.http_client.get(url)
    assert stranger.status_code == 403 and b'secret' not in stranger.content


async def test_a_message_of_files_alone_is_previewed_by_its_files(user: User, create_user) -> None:
    """Browse rooms names the files of a message without words: live from the lobby, and when the page is opened
    again; in the reader's language (Boris reads Russian)."""
    boris = create_user()
    boris.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(user, 'anna', display_name='Anna')
    await register(boris, 'boris', display_name='Boris', expect='Все комнаты')
    anna = user
    await open_room(anna, 'Kitchen')
    await boris.open('/')
    await wait_for(boris, 'room-list')
    await _attach(anna, ('report.pdf', 'application/pdf', b'%PDF-1.4'))
    by_testid(anna, 'send').click()
    await boris.should_see('Anna: 📎 report.pdf')
    await _attach(anna, *[(f'{i}.png', 'image/png', images.png(40 + i, 30)) for i in range(2)])
    by_testid(anna, 'send').click()
    await boris.should_see('Anna: 🖼 2\u00a0фото')
    await _attach(anna, *[(f'{i}.txt', 'text/plain', f'note {i}'.encode()) for i in range(3)])
    by_testid(anna, 'send').click()
    await boris.should_see('Anna: 📎 3\u00a0файла')
    await boris.open('/')  # the directory read again
    await boris.should_see('Anna: 📎 3\u00a0файла')
    await anna.open('/')
    await anna.should_see('Anna: 📎 3\u00a0files')
    # a reply quotes it the same way, in the room
    room_id = (await services().db.run(room_queries.by_name, 'Kitchen')).id  # type: ignore[union-attr]
    first, *_ = await services().messages.history(room_id)
    await services().messages.post(first.author, room_id, 'the numbers are in', reply_to=first.id)
    await open_room(boris, 'Kitchen')
    await boris.should_see('the numbers are in')
    await boris.should_see('Anna: 📎 report.pdf')
