"""NiceGUI pages. They talk to chat/ services only; registered per run so tests start fresh."""

from chat.services import Services


def register(services: Services) -> None:
    from nicegui import app

    from pages import auth, home, media, not_found, ops, panel, room, sessions, theme

    theme.install()

    app.state.session_watch = sessions.register(services)
    auth.register(services)
    home.register(services)
    room.register(services)
    panel.register(services)
    media.register(services)
    ops.install(services)  # after sessions: /metrics counts the signed-in pages it keeps
    not_found.register(services)
