"""Search: the results page (`/search?q=...`) and the header's way to it.

A person types words and filters (chat/search.py says which); results come newest first, each naming its room, its
author and its time in the viewer's time zone, with a snippet whose matching words are marked. The snippet is plain
text: its parts are separate text elements (`<span>` and `<mark>`), never HTML. A result is a link to the room opened
at that message (the room page's permalink), "More results" fetches the next page. A refused search (too long, a bad
date, too many at once) says why under the field and keeps what was typed.
"""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui
from nicegui.element import Element
from nicegui.elements.mixins.text_element import TextElement

from chat.errors import ChatError
from chat.search import Hit
from chat.services import Services
from pages import elements as el
from pages import forms
from pages.context import PageContext, signed_in_page
from pages.formatting import stamp
from pages.layout import HEADER_BUTTON, MUTED, header, hint, rooms_drawer
from pages.sidebar import RoomsSidebar

PATH = '/search'
RESULT_CLASSES = ['w-full', 'gap-1', 'py-2', 'px-3', 'hover:bg-blue-50', 'dark:hover:bg-slate-800']
MARK_CLASSES = ['bg-yellow-200', 'text-black', 'dark:bg-yellow-700', 'dark:text-white!', 'rounded-sm', 'px-0.5']
HEADER_FIELD_CLASSES = ['gt-sm', 'w-48', 'lg:w-64']


def search_url(query: str) -> str:
    return f'{PATH}?q={quote(query)}'


class Span(TextElement):
    """One part of a snippet: its words are a text node."""

    def __init__(self, text: str, tag: str) -> None:
        super().__init__(tag=tag, text=text)


def header_search(ctx: PageContext) -> None:
    """In the header: a field on a wide screen, a button to the results page on a phone.

    The field is a plain GET form to the results page: Enter is the browser's own form submission, so
    nothing typed crosses the socket before then, and no page holds an input element of its own for it."""
    label = ctx.t('search_messages')
    with el.box(HEADER_FIELD_CLASSES, props={'action': PATH, 'method': 'get', 'role': 'search'}, tag='form'):
        el.box(
            props={
                'name': 'q',
                'type': 'search',
                'placeholder': label,
                'maxlength': ctx.services.settings.search_max_query_length,
                'dense': True,
                'standout': True,
                'dark': True,
                'data-testid': 'header-search',
                'aria-label': ctx.t('search'),
            },
            tag='q-input',
        )
    el.button(
        lambda: ui.navigate.to(PATH),
        icon='search',
        classes=['lt-md'],
        props={**HEADER_BUTTON, 'data-testid': 'header-search-button', **hint(label)},
    )


class SearchView:
    def __init__(self, ctx: PageContext, query: str) -> None:
        self.ctx, self.query, self.next_before = ctx, query, None
        with ui.row().classes('w-full items-start no-wrap gap-2'):
            self.field = forms.clears_when_typing(ui.input(ctx.t('search_messages'), value=query).classes('grow'))
            self.field.props.update(
                {
                    'outlined': True,
                    'dense': True,
                    'clearable': True,
                    'autofocus': not query,  # opened to search (the phone's header button); else the results
                    'maxlength': ctx.services.settings.search_max_query_length,
                    'data-testid': 'search-input',
                }
            )
            self.field.on('keydown.enter', self.submit)
            ui.button(ctx.t('search'), on_click=self.submit).props('data-testid=search-submit')
        el.text(ctx.t('search_help'), ['text-xs', *MUTED], props={'data-testid': 'search-help'})
        self.results = el.column(['w-full', 'gap-2'], props={'data-testid': 'search-results', 'role': 'list'})
        self.none = el.text(ctx.t('search_no_results'), MUTED, props={'data-testid': 'search-none'})
        self.none.set_visibility(False)
        self.more = ui.button(ctx.t('search_more'), on_click=self.load_more).props(
            'flat no-caps data-testid=search-more'
        )
        self.more.classes('self-center')
        self.more.set_visibility(False)

    async def submit(self) -> None:
        query = (self.field.value or '').strip()
        if await self.run(query, None):
            self.query = query
            ui.navigate.history.replace(search_url(query))  # the back button returns to these results

    async def load_more(self) -> None:
        await self.run(self.query, self.next_before)

    async def run(self, query: str, before: int | None) -> bool:
        try:
            results = await self.ctx.services.search.search(self.ctx.user, query, before)
        except ChatError as error:
            forms.show(self.field, self.ctx, error)
            return False
        forms.clear(self.field)
        if before is None:
            self.results.clear()
        with self.results:
            for hit in results.hits:
                self.result(hit)
        self.next_before = results.next_before
        self.none.set_visibility(before is None and not results.hits)
        self.more.set_visibility(results.next_before is not None)
        return True

    def result(self, hit: Hit) -> Element:
        when = stamp(hit.created_at, self.ctx.user.time_zone)
        label = self.ctx.t('search_result_label', author=hit.author_name, room=hit.room_name, time=when)
        with (
            ui.link(target=hit.link).classes('block w-full no-underline text-inherit') as link,
            ui.card().props('flat bordered').classes(' '.join(RESULT_CLASSES)),
        ):
            link.props.update({'data-testid': 'search-result', 'role': 'listitem', 'aria-label': label})
            with el.row(['w-full', 'items-baseline', 'gap-x-2', 'gap-y-0']):
                el.text('#' + hit.room_name, ['font-bold', 'text-blue-800', 'dark:text-blue-300', 'truncate'])
                el.text(hit.author_name, ['text-sm', 'truncate', 'min-w-0'])
                el.box(['grow'])
                el.text(when, ['text-xs', 'shrink-0', *MUTED])
            with el.box(['text-sm', 'break-words', 'w-full'], props={'data-testid': 'search-snippet'}):
                for text, marked in hit.parts:
                    part = Span(text, 'mark' if marked else 'span')
                    if marked:
                        part.classes(' '.join(MARK_CLASSES))
        return link


def register(services: Services) -> None:
    @signed_in_page(services, PATH)
    async def search_page(ctx: PageContext, q: str = '') -> None:
        with rooms_drawer() as drawer:
            sidebar = RoomsSidebar(ctx)
        header(ctx, ctx.t('search'), rooms=drawer, search=False)
        with ui.column().classes('w-full max-w-3xl mx-auto gap-3') as ctx.root:
            view = SearchView(ctx, q)
        if q.strip():
            await view.run(q.strip(), None)
        await sidebar.load()
