"""Full-text search over the messages of the rooms a person may read, newest first.

The query a person types is words and filters: `in:room` (a room's name; `in:"two words"`; a direct conversation
by the other person's username or display name, as the viewer sees it listed), `from:username`,
`after:YYYY-MM-DD` (that day and later) and `before:YYYY-MM-DD` (earlier days only), days in the viewer's time zone.
Words are found in any order (all of them must be in the message), case and (on SQLite) accents ignored. A word of
three or more letters also finds the words it begins: "привет" finds "приветствую", "deploy" finds "deployment";
shorter words are matched whole, so a one-letter query cannot make the database walk every word. No stemming: a
word's other forms ("приветствую" does not find "привет") are not found.

Nothing a person types reaches the index's query language as syntax: the words are cut out of the text as runs of
letters and digits (quotes, `*`, `-`, `:`, `NEAR(`, `OR` are separators or plain words) and each is quoted, so the
match expression only ever says "these words, as prefixes". Which rooms are searched is `storage/access.py`'s
`readable_room_ids`: the one rule of who may read a room.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from chat import direct, markup, metrics
from chat.accounts import check_actor
from chat.errors import InvalidInput, RateLimited
from chat.ratelimit import RateLimiter
from chat.settings import Settings
from chat.views import UserView
from storage import search as search_queries
from storage.db import Database

WORD = re.compile(r'[^\W_]+')  # letters and digits: what the FTS5 unicode61 tokenizer keeps as a token
_TERM = re.compile(
    r'(?P<key>in|from|after|before):(?:"(?P<quoted>[^"]*)"?|(?P<value>\S+))|(?P<text>\S+)', re.IGNORECASE
)
_SPACES = re.compile(r'\s+')
MAX_WORDS = 8
PREFIX_FROM = 3  # words this long or longer match as prefixes
SNIPPET_LENGTH = 160  # characters of a message shown around its first matching word


@dataclass(frozen=True)
class Query:
    """A parsed search: words (NFC, as typed) and the filters."""

    words: tuple[str, ...]
    room: str | None = None  # case-folded room name
    author: str | None = None  # lower-cased username
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive


@dataclass(frozen=True)
class Hit:
    message_id: int
    room_id: int
    room_name: str
    author_name: str
    author_username: str
    created_at: datetime
    parts: tuple[tuple[str, bool], ...]  # the snippet: (text, highlighted) in order; plain text, never HTML

    @property
    def link(self) -> str:
        """The room opened at this message (pages/room.py's permalink)."""
        return f'/room/{self.room_id}?message={self.message_id}'


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    next_before: int | None  # pass as `before_id` for the next page; None: no more results


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or 'UTC')
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo('UTC')


def _day_start(value: str, zone: ZoneInfo) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput('search_bad_date', value=value) from None
    return datetime.combine(day, time(), zone).astimezone(UTC)


def parse(text: str, time_zone: str | None = None) -> Query:
    """Words and filters out of what was typed. Raises InvalidInput for a date that is not YYYY-MM-DD, no words, or
    too many words."""
    text = unicodedata.normalize('NFC', text)
    zone = _zone(time_zone)
    words: list[str] = []
    room = author = None
    since = until = None
    for term in _TERM.finditer(text):
        key = (term.group('key') or '').lower()
        value = (term.group('quoted') if term.group('quoted') is not None else term.group('value') or '').strip()
        if not key:
            words += WORD.findall(term.group('text'))
        elif key == 'in' and value:
            room = value.casefold()
        elif key == 'from' and value:
            author = value.removeprefix('@').lower()
        elif key == 'after' and value:
            since = _day_start(value, zone)
        elif key == 'before' and value:
            until = _day_start(value, zone)
    words = list(dict.fromkeys(words))  # each word once, in the order typed
    if not words:
        raise InvalidInput('search_no_words')
    if len(words) > MAX_WORDS:
        raise InvalidInput('search_too_many_words', max=MAX_WORDS)
    return Query(tuple(words), room, author, since, until)


def fts5_match(words: tuple[str, ...]) -> str:
    """SQLite FTS5: every word quoted (a quoted string is only ever a word there), prefixes marked outside it."""
    return ' '.join(f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in words)


def tsquery(words: tuple[str, ...]) -> str:
    """PostgreSQL to_tsquery: every word quoted as a lexeme, prefixes marked `:*`, all of them required."""
    return ' & '.join(f"'{w}':*" if len(w) >= PREFIX_FROM else f"'{w}'" for w in words)


def fold(word: str) -> str:
    """A word as the index compares it: case and accents ignored."""
    decomposed = unicodedata.normalize('NFKD', word.casefold())
    return ''.join(c for c in decomposed if not unicodedata.combining(c))


def _matches(token: str, folded: tuple[str, ...]) -> bool:
    token = fold(token)
    return any(token.startswith(w) if len(w) >= PREFIX_FROM else token == w for w in folded)


def snippet(body: str, words: tuple[str, ...], length: int = SNIPPET_LENGTH) -> tuple[tuple[str, bool], ...]:
    """The message's words a person reads (its formatting gone) around its first match, split into plain and
    highlighted parts."""
    formatted = markup.render(body)
    plain = _SPACES.sub(' ', markup.text_of(formatted) if formatted is not None else body).strip()
    folded = tuple(fold(w) for w in words)
    spans = [(m.start(), m.end()) for m in WORD.finditer(plain) if _matches(m.group(), folded)]
    start = 0
    if spans and len(plain) > length and spans[0][0] > length // 3:
        start = max(0, spans[0][0] - length // 3)
        space = plain.find(' ', start)
        if 0 <= space < spans[0][0]:
            start = space + 1
    end = min(len(plain), start + length)
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(('…', False))
    at = start
    for first, last in spans:
        if last <= start or first >= end:
            continue
        first, last = max(first, start), min(last, end)
        if first > at:
            parts.append((plain[at:first], False))
        parts.append((plain[first:last], True))
        at = last
    if at < end:
        parts.append((plain[at:end], False))
    if end < len(plain):
        parts.append(('…', False))
    return tuple(parts)


class Search:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.rate = RateLimiter(settings.search_rate, settings.search_rate_window)

    async def search(self, actor: UserView, text: str, before_id: int | None = None) -> Results:
        """One page of results (`search_page_size`), newest first; `before_id` continues after the previous page.
        Refuses an over-long query, one without words or with a bad date, and more than `search_rate` searches per
        `search_rate_window` seconds."""
        limit = self.settings.search_max_query_length
        if len(text) > limit:
            raise InvalidInput('search_too_long', max=limit)
        query = parse(text, actor.time_zone)
        key = f'search:{actor.id}'
        if wait := self.rate.retry_after(key):
            metrics.RATE_LIMITED.labels(limit='search').inc()
            raise RateLimited('rate_search', seconds=max(1, math.ceil(wait)))
        self.rate.hit(key)
        page = self.settings.search_page_size

        def work(session: Session) -> Results:
            check_actor(session, actor)
            match = tsquery(query.words) if search_queries.is_postgres(session) else fts5_match(query.words)
            found = search_queries.find(
                session,
                actor.id,
                match,
                room_key=query.room,
                room_ids=direct.rooms_named(session, actor.id, query.room) if query.room else None,
                author_key=query.author,
                since=query.since,
                until=query.until,
                before_id=before_id,
                limit=page + 1,
            )
            names = direct.shown_names(session, {f.room_id: f.room_name for f in found[:page]}, actor.id)
            hits = [
                Hit(
                    f.message_id,
                    f.room_id,
                    names[f.room_id],
                    f.display_name,
                    f.username,
                    f.created_at,
                    snippet(f.body, query.words),
                )
                for f in found[:page]
            ]
            return Results(hits, hits[-1].message_id if len(found) > page else None)

        return await self.db.run(work)
