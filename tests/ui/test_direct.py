"""Profile cards and direct conversations: Anna opens Boris's card from the room's member list, writes to him with
"Message", and both end up in one private room of two, named after the other; Boris hears of it live."""

from nicegui.testing import User

from tests.ui.helpers import by_testid, open_room, people_in_room, room_id_of, send, wait_for
from tests.ui.test_message_actions import _text, open_menu
from tests.waiting import until


def texts(person: User, testid: str) -> list[str]:
    assert person.client is not None
    return [
        _text(e) or '' for e in person.client.layout.descendants() if e.props.get('data-testid') == testid and e.visible
    ]


async def test_anna_writes_to_boris_from_his_card(user: User, create_user) -> None:
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'])
    kitchen_tab = boris.client
    assert kitchen_tab is not None
    await open_room(boris, 'Hall')
    kitchen_tab.delete()  # gone from the Kitchen: listed among its members
    (await wait_for(anna, 'member-boris')).click()
    await wait_for(anna, 'profile-card')
    assert texts(anna, 'profile-name') == ['Boris'] and texts(anna, 'profile-username') == ['@boris']
    await until(lambda: texts(anna, 'profile-since')[0].startswith('Member since '), what='member since')
    by_testid(anna, 'profile-message').click()
    kitchen = room_id_of(anna)
    await until(lambda: room_id_of(anna) != kitchen, what='the conversation opened')
    await wait_for(anna, 'message-input')
    room_id = room_id_of(anna)
    await anna.should_see('Boris')  # the conversation is named after him
    await anna.should_not_see(marker='room-invite')  # nobody else may be invited
    await send(anna, 'Hi Boris, a word in private?')

    # Boris, on another room's page, finds it in his rooms drawer at once, under Anna's name
    await wait_for(boris, f'room-entry-{room_id}')
    (entry,) = by_testid(boris, f'room-entry-{room_id}').elements
    assert 'Anna' in [_text(child) for child in entry.descendants()]
    await boris.open(f'/room/{room_id}')
    await boris.should_see('Hi Boris, a word in private?')
    await send(boris, 'Sure, Anna')
    await anna.should_see('Sure, Anna')


def shown(person: User, testid: str) -> bool:
    assert person.client is not None
    return any(e.props.get('data-testid') == testid and e.visible for e in person.client.layout.descendants())


async def test_the_message_menu_opens_the_author_s_card_and_one_s_own_has_no_message_button(
    user: User, create_user
) -> None:
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'])
    await send(boris, 'hello from Boris')
    await open_menu(anna, 'hello from Boris')
    by_testid(anna, 'action-profile').click()
    await wait_for(anna, 'profile-card')
    assert texts(anna, 'profile-name') == ['Boris']
    assert shown(anna, 'profile-message') and not shown(anna, 'profile-whisper')  # not from the online list
    by_testid(anna, 'online-boris').click()  # present: a private note too, on the same card
    assert shown(anna, 'profile-message') and shown(anna, 'profile-whisper')
    await send(anna, 'and hello from Anna')
    await open_menu(anna, 'and hello from Anna')
    by_testid(anna, 'action-profile').click()
    assert texts(anna, 'profile-name') == ['Anna']
    assert not shown(anna, 'profile-message') and not shown(anna, 'profile-whisper')
    assert len(by_testid(anna, 'profile-card').elements) == 1  # one card per page
