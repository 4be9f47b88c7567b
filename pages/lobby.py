"""What the room list and the control panel share: following lobby events (rooms created, renamed, deleted, counts,
new posts)."""

from __future__ import annotations

from chat.events import Event, RoomActivity, RoomChanged, RoomCount
from chat.views import RoomView


class LobbyView:
    """A list of rooms kept live by lobby events; subclasses say how a row is added, renamed, removed, counted."""

    def add(self, room: RoomView) -> None:
        raise NotImplementedError

    def rename(self, room: RoomView) -> None:
        raise NotImplementedError

    def remove(self, room_id: int) -> None:
        raise NotImplementedError

    def set_count(self, room_id: int, count: int) -> None:
        raise NotImplementedError

    def activity(self, event: RoomActivity) -> None:
        """A message was posted in a room: only the room directory shows that (the control panel ignores it)."""

    def on_event(self, event: Event) -> None:
        if isinstance(event, RoomCount):
            self.set_count(event.room_id, event.count)
        elif isinstance(event, RoomActivity):
            self.activity(event)
        elif isinstance(event, RoomChanged):
            if event.change == 'created':
                self.add(event.room)
            elif event.change == 'renamed':
                self.rename(event.room)
            elif event.change == 'updated':
                pass  # topic or privacy: a made-public room is announced as 'created'
            else:
                self.remove(event.room.id)
