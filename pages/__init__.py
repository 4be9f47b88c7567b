"""NiceGUI pages. They talk to chat/ services only; registered per run so tests start fresh."""

from chat.services import Services


def register(services: Services) -> None:
    from nicegui import app

    from pages import (
        admin,
        auth,
        files,
        home,
        invite,
        media,
        my_data,
        not_found,
        ops,
        panel,
        room,
        search,
        sessions,
        theme,
    )

    theme.install()

    app.state.session_watch = sessions.register(services)
    auth.register(services)
    home.register(services)
    room.register(services)
    invite.register(services)
    panel.register(services)
    search.register(services)
    admin.register(services)
    my_data.install(services)
    media.register(services)
    files.register(services)
    ops.install(services)  # after sessions: /metrics counts the signed-in pages it keeps
    not_found.register(services)
