"""Who is online in which room. A user counts once however many tabs (connections) they have open."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict


class PresenceStore(ABC):
    @abstractmethod
    async def enter(self, room_id: int, user_id: int, conn_id: str) -> bool:
        """Record a connection; True when the user was not in the room before."""

    @abstractmethod
    async def leave(self, room_id: int, user_id: int, conn_id: str) -> bool:
        """Drop a connection; True when it was the user's last one in the room."""

    @abstractmethod
    async def online(self, room_id: int) -> list[int]: ...

    @abstractmethod
    async def counts(self) -> dict[int, int]: ...

    async def is_online(self, room_id: int, user_id: int) -> bool:
        return user_id in await self.online(room_id)

    async def forget_room(self, room_id: int) -> None:  # noqa: B027
        pass

    async def start(self) -> None:  # noqa: B027
        pass

    async def stop(self) -> None:  # noqa: B027
        pass


class LocalPresence(PresenceStore):
    def __init__(self) -> None:
        self._rooms: dict[int, dict[int, set[str]]] = defaultdict(dict)

    async def enter(self, room_id: int, user_id: int, conn_id: str) -> bool:
        conns = self._rooms[room_id].setdefault(user_id, set())
        first = not conns
        conns.add(conn_id)
        return first

    async def leave(self, room_id: int, user_id: int, conn_id: str) -> bool:
        users = self._rooms.get(room_id)
        if not users or user_id not in users:
            return False
        conns = users[user_id]
        conns.discard(conn_id)
        if conns:
            return False
        del users[user_id]
        if not users:
            del self._rooms[room_id]
        return True

    async def online(self, room_id: int) -> list[int]:
        return list(self._rooms.get(room_id, {}))

    async def counts(self) -> dict[int, int]:
        return {room_id: len(users) for room_id, users in self._rooms.items() if users}

    async def is_online(self, room_id: int, user_id: int) -> bool:
        return user_id in self._rooms.get(room_id, {})

    async def forget_room(self, room_id: int) -> None:
        self._rooms.pop(room_id, None)
