"""Read marks and unread counts: per membership, bounded, moved forward only, shared by the user's pages."""

from __future__ import annotations

import pytest

from chat.errors import NotAuthenticated
from chat.events import MessageArrived, ReadMarked
from chat.hub import activity_topic, user_topic
from chat.services import Services
from chat.unread import COUNT_CAP
from chat.views import RoomView, UserView
from tests.unit.helpers import Recorder, add_user, execute


async def joined(services: Services, user: UserView, room: RoomView) -> None:
    await services.rooms.enter(user, room.id, f'conn-{user.id}-{room.id}')
    await services.rooms.leave(user, room.id, f'conn-{user.id}-{room.id}')


async def counts(services: Services, user: UserView) -> dict[str, tuple[int, bool]]:
    return {entry.room.name: (entry.unread, entry.mentioned) for entry in await services.unread.summary(user)}


async def test_joining_starts_with_nothing_unread_and_others_messages_count(services: Services) -> None:
    anna, boris = await add_user(services, 'anna'), await add_user(services, 'boris')
    general, random = await services.rooms.create(anna, 'General'), await services.rooms.create(anna, 'Random')
    for _ in range(3):
        await services.messages.post(anna, general.id, 'before boris came')
    await joined(services, boris, general)
    await joined(services, boris, random)
    assert await counts(services, boris) == {'General': (0, False), 'Random': (0, False)}

    await services.messages.post(anna, general.id, 'one')
    await services.messages.post(anna, general.id, 'two')
    await services.messages.post(boris, general.id, 'my own does not count')
    await services.messages.post(anna, random.id, 'hello @boris')
    assert await counts(services, boris) == {'General': (2, False), 'Random': (1, True)}
    assert await counts(services, anna) == {}  # anna never entered a room: she has joined none


async def test_a_read_mark_moves_forward_only_and_is_stored(services: Services) -> None:
    anna, boris = await add_user(services, 'anna'), await add_user(services, 'boris')
    room = await services.rooms.create(anna, 'General')
    await joined(services, boris, room)
    posted = [await services.messages.post(anna, room.id, f'm{i}') for i in range(4)]
    await services.unread.mark_read(boris, room.id, posted[2].id)
    assert await counts(services, boris) == {'General': (1, False)}  # known before it is stored
    await services.unread.mark_read(boris, room.id, posted[0].id)  # an older page's mark: ignored
    await services.unread.flush()
    stored = await execute(services, f'SELECT last_read_message_id FROM membership WHERE user_id = {boris.id}')
    assert stored == [(posted[2].id,)]
    await services.unread.mark_read(boris, room.id, posted[1].id)
    await services.unread.flush()
    stored = await execute(services, f'SELECT last_read_message_id FROM membership WHERE user_id = {boris.id}')
    assert stored == [(posted[2].id,)]


async def test_marks_of_the_last_seconds_survive_a_stop(services: Services) -> None:
    anna, boris = await add_user(services, 'anna'), await add_user(services, 'boris')
    room = await services.rooms.create(anna, 'General')
    await joined(services, boris, room)
    message = await services.messages.post(anna, room.id, 'hi')
    await services.unread.mark_read(boris, room.id, message.id)
    await services.unread.stop()  # what Services.stop does before closing the database
    stored = await execute(services, f'SELECT last_read_message_id FROM membership WHERE user_id = {boris.id}')
    assert stored == [(message.id,)]


async def test_counts_stop_at_the_cap_and_deleted_messages_do_not_count(services: Services) -> None:
    services.messages.rate.limit = services.messages.rate.refill = 10_000  # type: ignore[misc]
    anna, boris = await add_user(services, 'anna'), await add_user(services, 'boris')
    room = await services.rooms.create(anna, 'General')
    await joined(services, boris, room)
    first = await services.messages.post(anna, room.id, '@boris look')
    await services.messages.delete(anna, room.id, first.id)
    assert await counts(services, boris) == {'General': (0, False)}  # deleted: neither counted nor a mention
    for i in range(COUNT_CAP + 5):
        await services.messages.post(anna, room.id, f'm{i}')
    assert await counts(services, boris) == {'General': (COUNT_CAP, False)}


async def test_every_page_of_the_user_hears_of_marks(services: Services, recorder: Recorder) -> None:
    anna, boris = await add_user(services, 'anna'), await add_user(services, 'boris')
    general, random = await services.rooms.create(anna, 'General'), await services.rooms.create(anna, 'Random')
    await joined(services, boris, general)
    await joined(services, boris, random)
    recorder.listen(services.hub, user_topic(boris.id), user_topic(anna.id), activity_topic(general.id))
    message = await services.messages.post(anna, general.id, 'hi @boris')
    other = await services.messages.post(anna, random.id, 'elsewhere')
    await services.unread.mark_read(boris, general.id, message.id)
    await services.unread.mark_read(boris, general.id, message.id)  # nothing new: not announced again
    assert recorder.of(activity_topic(general.id)) == [MessageArrived(general.id, message.id, anna.id, ('boris',))]
    assert recorder.of(user_topic(boris.id)) == [ReadMarked(boris.id, ((general.id, message.id),))]
    await services.unread.mark_all_read(boris)
    assert recorder.of(user_topic(boris.id))[1:] == [
        ReadMarked(boris.id, ((general.id, message.id), (random.id, other.id)))
    ]
    assert recorder.of(user_topic(anna.id)) == []
    assert await counts(services, boris) == {'General': (0, False), 'Random': (0, False)}


async def test_an_ended_session_reads_nothing(services: Services) -> None:
    anna = await add_user(services, 'anna')
    stale = UserView(anna.id, anna.username, anna.display_name, session_version=anna.session_version + 1)
    with pytest.raises(NotAuthenticated):
        await services.unread.summary(stale)
    with pytest.raises(NotAuthenticated):
        await services.unread.mark_all_read(stale)


async def test_one_room_counted_again_after_its_read_mark(services: Services) -> None:
    anna, boris, cleo = [await add_user(services, name) for name in ('anna', 'boris', 'cleo')]
    room = await services.rooms.create(anna, 'General')
    await joined(services, boris, room)
    posted = [await services.messages.post(anna, room.id, f'm{i} @boris' if i == 3 else f'm{i}') for i in range(4)]
    assert await services.unread.count(boris, room.id) == (4, True)
    await services.unread.mark_read(boris, room.id, posted[0].id)  # in memory only so far
    assert await services.unread.count(boris, room.id) == (3, True)
    await services.unread.flush()
    await services.unread.mark_read(boris, room.id, posted[3].id)
    assert await services.unread.count(boris, room.id) == (0, False)
    await services.unread.flush()
    assert await services.unread.count(boris, room.id) == (0, False)  # from the stored mark
    assert await services.unread.count(cleo, room.id) == (0, False)  # not a member: nothing is told
