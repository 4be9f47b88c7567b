"""Full-text search through the service, on the real database (SQLite FTS5, or PostgreSQL's tsvector with
CHAT_TEST_DATABASE_URL): words of both languages, prefixes, edits and deletions, filters, paging, limits, who may read
what, and queries that try to speak the index's own language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from chat import search
from chat.errors import InvalidInput, NotAuthenticated, RateLimited
from chat.services import Services
from chat.views import UserView
from models import Message, Room
from storage import access
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import add_user


async def _ids(services: Services, user: UserView, query: str) -> list[int]:
    return [hit.message_id for hit in (await services.search.search(user, query)).hits]


async def _post(services: Services, user: UserView, room_id: int, *bodies: str) -> list[int]:
    return [(await services.messages.post(user, room_id, body)).id for body in bodies]


def _highlighted(services_hit: search.Hit) -> list[str]:
    return [text for text, marked in services_hit.parts if marked]


async def test_finds_english_and_russian_words_newest_first_with_highlights(services: Services) -> None:
    anna = await add_user(services, 'anna', display_name='Anna Lee')
    room = await services.rooms.create(anna, 'Kitchen')
    first, _, third = await _post(
        services, anna, room.id, 'Hello team, привет всем', 'nothing to see', 'Привет! **Hello** again, hello'
    )
    assert await _ids(services, anna, 'hello') == [third, first]
    assert await _ids(services, anna, 'ПРИВЕТ') == [third, first]
    assert await _ids(services, anna, 'привет hello') == [third, first]  # all words, any order
    assert await _ids(services, anna, 'hello absent') == []
    hit = (await services.search.search(anna, 'hello')).hits[0]
    assert (hit.room_id, hit.room_name) == (room.id, 'Kitchen')
    assert (hit.author_name, hit.author_username) == ('Anna Lee', 'anna')
    assert hit.link == f'/room/{room.id}?message={third}'
    assert ''.join(text for text, _ in hit.parts) == 'Привет! Hello again, hello'  # formatting gone, words stay
    assert _highlighted(hit) == ['Hello', 'hello']
    assert isinstance(hit.created_at, datetime)


async def test_words_of_three_letters_or_more_find_longer_words_shorter_ones_only_themselves(
    services: Services,
) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Kitchen')
    greeting, deployment, short = await _post(
        services, anna, room.id, 'Приветствую коллег', 'the deployment failed', 'go to it'
    )
    assert await _ids(services, anna, 'привет') == [greeting]
    assert await _ids(services, anna, 'deploy') == [deployment]
    assert await _ids(services, anna, 'deployments') == []  # no stemming: only what the word begins
    assert await _ids(services, anna, 'go') == [short]
    assert await _ids(services, anna, 'g') == []  # not a prefix: whole words only under three letters
    hit = (await services.search.search(anna, 'привет')).hits[0]
    assert _highlighted(hit) == ['Приветствую']


async def test_edited_messages_are_found_by_their_new_words_and_deleted_ones_not_at_all(services: Services) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Kitchen')
    (message,) = await _post(services, anna, room.id, 'the old wording')
    await services.messages.edit(anna, room.id, message, 'the new phrasing')
    assert await _ids(services, anna, 'wording') == []
    assert await _ids(services, anna, 'phrasing') == [message]
    await services.messages.delete(anna, room.id, message)
    assert await _ids(services, anna, 'phrasing') == []
    assert await _ids(services, anna, 'the') == []


@pytest.mark.parametrize(
    'query',
    ['"', '*', 'NEAR(', 'NEAR(a b)', 'OR', 'a OR b', '-', '-word', ':', 'body:word', '^word', "'", "x' | 'y", '(!)'],
)
async def test_index_syntax_in_a_query_is_only_words(services: Services, query: str) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Kitchen')
    await _post(services, anna, room.id, 'a word OR two, NEAR the body: x y b')
    try:
        results = await services.search.search(anna, query)
    except InvalidInput as error:  # nothing left to search for once the punctuation is gone
        assert error.key == 'search_no_words'
        return
    words = search.parse(query).words
    assert all(word.isalnum() for word in words)
    assert len(results.hits) <= 1


def test_match_expressions_quote_every_word() -> None:
    words = search.parse('"NEAR(x" OR -y* body:z').words
    assert words == ('NEAR', 'x', 'OR', 'y', 'body', 'z')
    assert search.fts5_match(words) == '"NEAR"* "x" "OR" "y" "body"* "z"'
    assert search.tsquery(('привет', 'ok')) == "'привет':* & 'ok'"


async def test_filters_room_author_and_days(services: Services) -> None:
    anna, boris = await add_user(services, 'anna'), await add_user(services, 'Boris')
    kitchen = await services.rooms.create(anna, 'Kitchen')
    garden = await services.rooms.create(anna, 'Big Garden')
    in_kitchen = (await _post(services, anna, kitchen.id, 'lunch at noon'))[0]
    by_boris = (await _post(services, boris, garden.id, 'lunch outside'))[0]
    old = (await _post(services, anna, garden.id, 'lunch last year'))[0]
    last_year = datetime.now(UTC) - timedelta(days=365)

    def backdate(session: Session) -> None:
        session.execute(update(Message).where(col(Message.id) == old).values(created_at=last_year))
        session.commit()

    await services.db.run(backdate)
    assert await _ids(services, anna, 'lunch in:kitchen') == [in_kitchen]
    assert await _ids(services, anna, 'in:"big garden" lunch') == [old, by_boris]
    assert await _ids(services, anna, 'lunch in:nowhere') == []
    assert await _ids(services, anna, 'lunch from:boris') == [by_boris]
    assert await _ids(services, anna, 'lunch from:@Boris') == [by_boris]
    day = (last_year + timedelta(days=1)).date().isoformat()
    assert await _ids(services, anna, f'lunch before:{day}') == [old]
    assert await _ids(services, anna, f'lunch after:{day}') == [by_boris, in_kitchen]
    today = datetime.now(UTC).date().isoformat()
    assert await _ids(services, anna, f'lunch after:{today} from:anna') == [in_kitchen]
    with pytest.raises(InvalidInput) as info:
        await services.search.search(anna, 'lunch after:yesterday')
    assert (info.value.key, info.value.params) == ('search_bad_date', {'value': 'yesterday'})


async def test_days_are_the_viewers_days(services: Services) -> None:
    """after:D starts at midnight of D where the viewer lives: for Tokyo, nine hours before UTC's midnight."""
    query = search.parse('x after:2026-01-31 before:2026-02-01', 'Asia/Tokyo')
    assert query.since == datetime(2026, 1, 30, 15, tzinfo=UTC)
    assert query.until == datetime(2026, 1, 31, 15, tzinfo=UTC)


async def test_pages_continue_where_the_last_one_ended(make_services: ServicesFactory) -> None:
    services = await make_services(search_page_size=3)
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Kitchen')
    posted = await _post(services, anna, room.id, *(f'note number {i}' for i in range(7)))
    seen: list[int] = []
    before = None
    for _ in range(3):
        results = await services.search.search(anna, 'note', before_id=before)
        seen += [hit.message_id for hit in results.hits]
        before = results.next_before
    assert seen == posted[::-1]
    assert before is None


async def test_only_readable_rooms_are_searched(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """Search asks storage/access.py which rooms the user may read: a room that rule leaves out is never searched."""
    anna = await add_user(services, 'anna')
    open_room = await services.rooms.create(anna, 'Kitchen')
    secret = await services.rooms.create(anna, 'Secret')
    (visible,) = await _post(services, anna, open_room.id, 'the plan')
    await _post(services, anna, secret.id, 'the secret plan')
    assert len(await _ids(services, anna, 'plan')) == 2

    def readable(user_id: int) -> SelectOfScalar[int]:
        del user_id
        return select(col(Room.id)).where(col(Room.id) != secret.id)

    monkeypatch.setattr(access, 'readable_room_ids', readable)
    assert await _ids(services, anna, 'plan') == [visible]
    assert await _ids(services, anna, 'plan in:secret') == []


async def test_a_stale_session_searches_nothing(services: Services) -> None:
    anna = await add_user(services, 'anna')
    stale = UserView(anna.id, anna.username, anna.display_name, session_version=anna.session_version + 1)
    with pytest.raises(NotAuthenticated):
        await services.search.search(stale, 'anything')


async def test_limits_length_words_and_rate(make_services: ServicesFactory) -> None:
    services = await make_services(search_max_query_length=20, search_rate=2, search_rate_window=60)
    anna = await add_user(services, 'anna')
    with pytest.raises(InvalidInput) as info:
        await services.search.search(anna, 'x' * 21)
    assert (info.value.key, info.value.params) == ('search_too_long', {'max': 20})
    with pytest.raises(InvalidInput) as info:
        await services.search.search(anna, 'a b c d e f g h i')
    assert (info.value.key, info.value.params) == ('search_too_many_words', {'max': 8})
    with pytest.raises(InvalidInput) as info:
        await services.search.search(anna, 'in:kitchen')
    assert info.value.key == 'search_no_words'
    await services.search.search(anna, 'one')  # refused queries above did not count
    await services.search.search(anna, 'two')
    with pytest.raises(RateLimited) as limited:
        await services.search.search(anna, 'three')
    assert limited.value.key == 'rate_search'
    assert 1 <= limited.value.params['seconds'] <= 60
    other = await add_user(services, 'boris')
    await services.search.search(other, 'three')  # per user


def test_snippets_are_cut_around_the_first_match() -> None:
    body = ' '.join(f'filler{i}' for i in range(60)) + ' the needle is here ' + 'tail ' * 60
    parts = search.snippet(body, ('needle',))
    assert parts[0] == ('…', False) and parts[-1] == ('…', False)
    assert [text for text, marked in parts if marked] == ['needle']
    assert len(''.join(text for text, _ in parts)) <= search.SNIPPET_LENGTH + 2
    assert search.snippet('<b>café</b>', ('CAFE',)) == (('<b>', False), ('café', True), ('</b>', False))


async def test_a_private_room_is_searched_by_its_members_only(services: Services) -> None:
    """The real rule, no stand-in: a private room's words reach its members (and whoever is added later), never
    anyone else, however the query names the room."""
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    vera = await add_user(services, 'vera')
    hideout = await services.rooms.create(anna, 'Hideout')
    await services.rooms.update_settings(anna, hideout.id, '', True)
    (secret,) = await _post(services, anna, hideout.id, 'the treasure map')
    await services.invites.add_member(anna, hideout.id, 'boris')
    assert await _ids(services, anna, 'treasure') == [secret]
    assert await _ids(services, boris, 'treasure') == [secret]
    assert await _ids(services, vera, 'treasure') == []
    assert await _ids(services, vera, 'treasure in:hideout') == []
    assert await _ids(services, vera, 'map from:anna') == []


async def test_in_finds_a_direct_conversation_by_the_other_persons_name(services: Services) -> None:
    """`in:boris` is Anna's conversation with Boris (by his username or display name, any case), as her list names
    it; a room really named so is found too, and nobody finds a conversation they are not one of the two of."""
    anna = await add_user(services, 'anna', display_name='Anna Petrova')
    boris = await add_user(services, 'boris', display_name='Boris Kuznetsov')
    vera = await add_user(services, 'vera')
    with_boris = await services.rooms.direct(anna, boris.id)
    with_vera = await services.rooms.direct(anna, vera.id)
    named_boris = await services.rooms.create(vera, 'Boris')
    (to_boris,) = await _post(services, anna, with_boris.id, 'hello Boris')
    (to_anna,) = await _post(services, boris, with_boris.id, 'hello Anna')
    (to_vera,) = await _post(services, anna, with_vera.id, 'hello Vera')
    (in_room,) = await _post(services, vera, named_boris.id, 'hello room')
    for query in ('hello in:boris', 'hello in:BORIS'):
        assert await _ids(services, anna, query) == [in_room, to_anna, to_boris], query
    for query in ('in:"boris kuznetsov" hello', 'hello in:@boris'):  # the display name; a person, as from:@boris
        assert await _ids(services, anna, query) == [to_anna, to_boris], query
    hits = (await services.search.search(anna, 'hello in:boris')).hits
    assert [hit.room_name for hit in hits] == ['Boris', 'Boris Kuznetsov', 'Boris Kuznetsov']
    assert await _ids(services, anna, 'hello in:vera') == [to_vera]
    assert await _ids(services, boris, 'hello in:anna') == [to_anna, to_boris]
    assert await _ids(services, boris, 'hello in:"Anna Petrova"') == [to_anna, to_boris]
    assert await _ids(services, anna, 'hello in:kuznetsov') == []  # a whole name, as with rooms
    # nobody else reaches the conversation by either name
    assert await _ids(services, vera, 'hello in:boris') == [in_room]
    assert await _ids(services, vera, 'hello in:anna') == [to_vera]
    assert await _ids(services, boris, 'hello in:vera') == []
    assert await _ids(services, boris, 'hello in:boris') == [in_room]
