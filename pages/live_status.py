"""A banner that says when live updates stop (the Redis hub lost its broker) and when they are back.

Messages posted meanwhile are in the database but were not pushed to this page, so the "back" banner offers a reload.
"""

from __future__ import annotations

from nicegui import ui

from chat.events import Event, HubStatus
from chat.hub import STATUS
from pages import elements as el
from pages.context import PageContext

RESTORED_SECONDS = 10.0  # how long "live updates are back" stays before the banner hides itself
INTERRUPTED, RESTORED = 'bg-orange-1 text-orange-10', 'bg-green-1 text-green-10'
WRAPPER_CLASSES = ['fixed', 'inset-x-0', 'top-20', 'z-[3000]', 'flex', 'justify-center', 'pointer-events-none']


def live_status(ctx: PageContext) -> None:
    """An empty anchor; the banner itself is built the first time this instance's hub connection changes,
    so the pages of a healthy server do not each carry five hidden elements."""
    wrapper = el.box(WRAPPER_CLASSES)
    parts: dict[str, ui.element] = {}
    state: dict[str, ui.timer | None] = {'timer': None}

    def banner() -> dict[str, ui.element]:
        if not parts:
            with wrapper:
                with (
                    ui.row()
                    .classes('items-center gap-2 no-wrap rounded-borders shadow-2 q-px-md q-py-sm')
                    .style('pointer-events: auto')
                    .props('data-testid=live-status role=status') as row
                ):
                    parts['icon'] = ui.icon('cloud_off')
                    parts['text'] = ui.label().props('data-testid=live-status-text')
                    parts['reload'] = ui.button(icon='refresh', on_click=ui.navigate.reload).props(
                        'flat round dense data-testid=live-reload'
                    )
            parts['banner'] = row
        return parts

    def hide() -> None:
        state['timer'] = None
        if parts:
            parts['banner'].set_visibility(False)

    def show(connected: bool) -> None:
        if state['timer'] is not None:
            state['timer'].cancel()
            state['timer'] = None
        shown = banner()
        if connected:
            shown['banner'].classes(remove=INTERRUPTED, add=RESTORED)
            shown['icon'].name = 'cloud_done'
            shown['text'].text = ctx.t('live_restored')
            with wrapper:
                state['timer'] = ui.timer(RESTORED_SECONDS, hide, once=True)
        else:
            shown['banner'].classes(remove=RESTORED, add=INTERRUPTED)
            shown['icon'].name = 'cloud_off'
            shown['text'].text = ctx.t('live_interrupted')
        shown['reload'].set_visibility(connected)
        shown['banner'].set_visibility(True)

    def on_status(event: Event) -> None:
        if isinstance(event, HubStatus):
            show(event.connected)

    if not ctx.services.hub.connected:
        show(False)
    ctx.subscribe(STATUS, on_status)
