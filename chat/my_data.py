"""A person's own data: export it (profile and messages as JSON, each message with its attachments described by
name, size, type and download path, never their bytes; streamed a page at a time, so memory stays bounded however
many messages there are) and delete the account.

Deleting keeps a nameless stand-in row: messages need an author, so with "keep my messages" they stay, shown as by
"deleted user"; with "delete my messages" their text goes and each keeps its place as "message deleted". The profile
(names, avatar, password), sessions, reset links, reactions and memberships go either way; rooms the person owned
stay, without an owner (managed by admins from then on, who may give them to someone on /admin).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sqlmodel import Session

from chat.accounts import Accounts, check_actor, to_view
from chat.direct import partner_name
from chat.errors import InvalidInput, PermissionDenied
from chat.events import ProfileChanged, SessionEnded
from chat.export import iso
from chat.files import described
from chat.hub import PROFILES, Hub, user_topic
from chat.i18n import translate
from chat.passwords import hash_password, verify_password
from chat.settings import Settings
from chat.views import UserView
from models import Attachment, User
from storage import admin as admin_queries
from storage import files as file_queries
from storage import media
from storage.db import Database

PAGE_ROWS = 1000  # messages per query while exporting
EXPORT_VERSION = 1


def export_name(user: UserView) -> str:
    return f'{user.username}-data.json'


def _page(session: Session, user_id: int, after: int) -> tuple[list[tuple], dict[int, list[Attachment]]]:
    """A page of the person's messages and their attachments: two queries, and one read per direct conversation
    for the other person's name (the room's stored name `dm-<a>-<b>` means nothing to a reader)."""
    partners: dict[str, str | None] = {}
    rows = []
    for message_id, room, direct_key, body, created_at, edited_at in admin_queries.my_messages(
        session, user_id, after, PAGE_ROWS
    ):
        if direct_key is not None:
            if direct_key not in partners:
                partners[direct_key] = partner_name(session, direct_key, user_id)
            room = partners[direct_key] or room
        rows.append((message_id, room, direct_key is not None, body, created_at, edited_at))
    return rows, file_queries.for_messages(session, [row[0] for row in rows])


class MyData:
    def __init__(self, db: Database, hub: Hub, accounts: Accounts, settings: Settings) -> None:
        self.db, self.hub, self.accounts, self.settings = db, hub, accounts, settings

    async def export(self, actor: UserView) -> AsyncIterator[str]:
        """The JSON document in pieces: the profile first, then the messages a page at a time (each page read in a
        database thread). Checks the session before the first piece."""
        user = await self.db.run(check_actor, actor)
        profile = {
            'username': user.username,
            'display_name': user.display_name,
            'created_at': iso(user.created_at),
            'is_admin': user.is_admin,
            'language': user.language,
            'time_zone': user.time_zone,
            'theme': user.theme,
            'avatar': f'/media/{user.avatar}' if user.avatar else None,
        }
        return self._pieces(actor.id, profile)

    async def _pieces(self, user_id: int, profile: dict) -> AsyncIterator[str]:
        yield '{\n "format": "chat-my-data",\n "version": ' + str(EXPORT_VERSION) + ',\n'
        yield f' "exported_at": {json.dumps(datetime.now(UTC).isoformat(timespec="seconds"))},\n'
        yield f' "profile": {json.dumps(profile, ensure_ascii=False)},\n "messages": ['
        after, first = 0, True
        while True:
            rows, files = await self.db.run(_page, user_id, after)
            if not rows:
                break
            chunk = []
            for message_id, room, direct, body, created_at, edited_at in rows:
                item = {
                    'id': message_id,
                    'room': room,
                    'direct': direct,
                    'body': body,
                    'created_at': iso(created_at),
                    'edited_at': iso(edited_at) if edited_at is not None else None,
                    'attachments': [described(a) for a in files.get(message_id, ())],
                }
                chunk.append(('\n  ' if first else ',\n  ') + json.dumps(item, ensure_ascii=False))
                first = False
            yield ''.join(chunk)
            after = rows[-1][0]
        yield '\n ]\n}\n'

    async def delete_account(self, actor: UserView, password: str, delete_messages: bool) -> None:
        """Confirmed by the password. Every session of the user ends (their open pages leave)."""
        user = await self.db.run(check_actor, actor)
        valid, _ = await verify_password(password or '', user.password_hash)
        if not valid:
            raise InvalidInput('password_wrong')
        unusable = await hash_password(secrets.token_urlsafe(32))  # nobody knows it: nobody signs in as it
        name = translate(self.settings.default_language, 'deleted_user')
        now = datetime.now(UTC)

        avatar = user.avatar

        def work(session: Session) -> tuple[User, bool]:
            user = check_actor(session, actor)
            if user.is_admin and admin_queries.admin_count(session) <= 1:
                raise PermissionDenied('last_admin')
            admin_queries.empty_account(session, user, delete_messages, now)
            marker = f'~deleted-{user.id}'  # '~' is in no username: no clash with a real one
            user.username = user.username_key = marker
            user.display_name, user.username_skeleton, user.display_skeleton = name, None, None
            user.password_hash, user.avatar, user.is_admin, user.disabled = unusable, None, False, True
            user.language = user.time_zone = user.theme = None
            user.session_version += 1
            user.deleted_at = now
            session.add(user)
            session.commit()
            return user, avatar is not None and not admin_queries.avatar_used(session, avatar)

        gone, unused = await self.db.run(work)
        if unused and avatar:  # files are named by content: another account may show the same picture
            await asyncio.to_thread(media.remove, self.settings.media_path, avatar)
        await self.hub.publish(user_topic(actor.id), SessionEnded(actor.id))
        await self.hub.publish(PROFILES, ProfileChanged(to_view(gone)))  # open feeds show "deleted user"
