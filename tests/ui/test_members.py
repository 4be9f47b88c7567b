"""Members in the people pane: someone who goes moves to "Not here now" with "last seen just now" on the others'
screens; the owner hands the room over (the new owner's settings button appears live); a member leaves the room."""

from nicegui.testing import User
from sqlmodel import Session

from models import Membership
from storage import users as user_queries
from tests.ui.helpers import by_testid, open_room, people_in_room, register, room_id_of, services, wait_for, whisper_to
from tests.waiting import until


def built(person: User, testid: str) -> list:
    assert person.client is not None
    return [e for e in person.client.layout.descendants() if e.props.get('data-testid') == testid]


def shown(person: User, testid: str) -> list:
    return [e for e in built(person, testid) if e.visible]


async def test_members_come_and_go_the_owner_hands_over_and_a_member_leaves(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Garden')
    room_id = room_id_of(user)
    boris = create_user()
    await register(boris, 'boris')
    await open_room(boris, 'Garden')
    await wait_for(user, 'online-boris')
    assert not shown(user, 'member-boris')  # online: in the list above, not among the absent
    assert not shown(user, 'members-offline')  # nobody away: no heading over an empty list

    assert boris.client is not None
    boris.client.delete()  # his tab is gone
    await wait_for(user, 'member-boris')
    assert shown(user, 'members-offline')
    await user.should_see('last seen just now')

    await boris.open(f'/room/{room_id}')
    await wait_for(boris, 'message-input')
    await until(lambda: not shown(user, 'member-boris'))  # back among the online
    assert not shown(user, 'members-offline')
    assert not shown(boris, 'room-settings')
    assert not built(boris, 'transfer-select')  # a member's page never holds the owner's tools
    select = next(iter(by_testid(user, 'transfer-select').elements))
    select.value = next(uid for uid, name in select.options.items() if name == 'boris')
    by_testid(user, 'transfer-owner').click()
    await user.should_see('boris owns the room now.')
    await until(lambda: bool(shown(boris, 'room-settings')))  # live: he may change the settings now
    await until(lambda: bool(shown(boris, 'transfer-select')))  # and hand the room on ...
    (boris_select,) = shown(boris, 'transfer-select')
    # ... to anyone, Anna too: his page kept only members away until now, and Anna is here
    await until(lambda: 'anna' in boris_select.options.values(), what="Anna offered in Boris's select")
    assert not shown(user, 'room-settings')

    by_testid(user, 'leave-room').click()
    by_testid(user, 'leave-confirm').click()
    await wait_for(user, 'room-list')

    def membership(session: Session) -> Membership | None:
        anna = user_queries.by_username(session, 'anna')
        assert anna is not None
        return session.get(Membership, (anna.id, room_id))

    assert await services().db.run(membership) is None


async def test_in_room_private_messages_say_they_are_not_saved(user: User, create_user) -> None:
    anna, _ = await people_in_room(user, create_user, ['Anna', 'Boris'])
    await wait_for(anna, 'online-boris')
    whisper_to(anna, 'boris')
    await wait_for(anna, 'private-panel')
    await anna.should_see('Private, not saved: only they see it, and it is gone when their page reloads.')
