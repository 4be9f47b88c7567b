"""A banner that says when live updates stop (the Redis hub lost its broker) and when they are back.

Messages posted meanwhile are in the database but were not pushed to this page, so the "back" banner offers a reload.
"""

from __future__ import annotations

from nicegui import ui

from chat.events import Event, HubStatus
from chat.hub import STATUS
from pages.context import PageContext

RESTORED_SECONDS = 10.0  # how long "live updates are back" stays before the banner hides itself
INTERRUPTED, RESTORED = 'bg-orange-1 text-orange-10', 'bg-green-1 text-green-10'


def live_status(ctx: PageContext) -> None:
    """Builds the (hidden) banner and keeps it in step with this instance's hub connection."""
    with ui.element('div').classes('fixed inset-x-0 flex justify-center pointer-events-none') \
            .style('top: 5rem; z-index: 3000') as wrapper:
        with ui.row().classes('items-center gap-2 no-wrap rounded-borders shadow-2 q-px-md q-py-sm') \
                .style('pointer-events: auto').props('data-testid=live-status role=status') as banner:
            icon = ui.icon('cloud_off')
            text = ui.label().props('data-testid=live-status-text')
            reload = ui.button(icon='refresh', on_click=ui.navigate.reload) \
                .props('flat round dense data-testid=live-reload')
    state: dict[str, ui.timer | None] = {'timer': None}

    def hide() -> None:
        state['timer'] = None
        banner.set_visibility(False)

    def show(connected: bool) -> None:
        if state['timer'] is not None:
            state['timer'].cancel()
            state['timer'] = None
        if connected:
            banner.classes(remove=INTERRUPTED, add=RESTORED)
            icon.name = 'cloud_done'
            text.text = ctx.t('live_restored')
            with wrapper:
                state['timer'] = ui.timer(RESTORED_SECONDS, hide, once=True)
        else:
            banner.classes(remove=RESTORED, add=INTERRUPTED)
            icon.name = 'cloud_off'
            text.text = ctx.t('live_interrupted')
        reload.set_visibility(connected)
        banner.set_visibility(True)

    def on_status(event: Event) -> None:
        if isinstance(event, HubStatus):
            show(event.connected)

    if ctx.services.hub.connected:
        banner.set_visibility(False)
    else:
        show(False)
    ctx.subscribe(STATUS, on_status)
