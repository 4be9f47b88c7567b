"""Message bodies with formatting: a small Markdown subset rendered to HTML, and that HTML always sanitized.

People write **bold**, _italic_, ~~strike~~, `code`, fenced code blocks, quotes, lists and links (bare http(s)
addresses become links too). The parser escapes raw HTML (`html=False`) and has no images, headings or rules; its
output then goes through an allow-list sanitizer (ammonia, via nh3) whatever the parser did: only the tags and
attributes below, only http, https and mailto addresses, every link opening a new tab without an opener or a
referrer. So a parser bug alone cannot put a script, an image or an event handler on anybody's page.

A body without any formatting renders to None: pages keep showing it as a plain text node, the cheapest element there
is (the common case, and the one the fan-out benchmark measures).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({'p', 'br', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'})
URL_SCHEMES = frozenset({'http', 'https', 'mailto'})
LINK_REL = 'noopener noreferrer'

# Longer bodies are shown as text: some inputs ("[[[[...") cost the parser quadratic time, about 0.1 s at this size
# (tests/unit/test_markup.py bounds it). Rendered once per body and process (cached below), never per page.
MAX_CHARS = 4000
CACHED_BODIES = 512  # the messages of a few busy rooms' windows; a miss costs one more rendering

# A body none of whose characters can start any formatting is plain text without asking the parser.
_MAYBE_FORMATTED = re.compile(r'[*_~`\[>\\&<]|https?://|mailto:|^[ \t]*(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)', re.M | re.I)
_FORMATTING_TAG = re.compile(r'<(?!/?p>|br>)')  # in the sanitized output, any tag but paragraphs and line breaks
_TAG = re.compile(r'<[^>]*>')


def _parser() -> MarkdownIt:
    parser = MarkdownIt('commonmark', {'html': False, 'linkify': True, 'breaks': True, 'typographer': False})
    parser.enable(['linkify', 'strikethrough'])
    # Not in a chat: images (a remote picture would tell its host who reads the room: "![x](url)" stays a plain link),
    # headings and rules, indented code (a reply indented by habit), reference definitions, and raw HTML
    parser.disable(['image', 'heading', 'lheading', 'hr', 'code', 'reference', 'html_block', 'html_inline'])
    assert parser.linkify is not None, 'linkify-it-py is required'
    parser.linkify.set({'fuzzy_link': False, 'fuzzy_email': False, 'fuzzy_ip': False})  # only written-out addresses
    return parser


_PARSER = _parser()
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={'script', 'style'},
    attributes={'*': set(), 'a': {'href'}, 'ol': {'start'}},
    url_schemes=set(URL_SCHEMES),
    url_relative='deny',  # "[x](/sign-out)" is no link
    link_rel=LINK_REL,
    set_tag_attribute_values={'a': {'target': '_blank'}},
    strip_comments=True,
)


def sanitize(markup: str) -> str:
    """Only the allowed tags, attributes and addresses of `markup`; links open a new tab without opener or referrer."""
    return _CLEANER.clean(markup)


def render(body: str) -> str | None:
    """The body as sanitized HTML, or None when it has no formatting (then it is shown as text)."""
    if len(body) > MAX_CHARS or not _MAYBE_FORMATTED.search(body):
        return None
    return _render(body)


@lru_cache(maxsize=CACHED_BODIES)
def _render(body: str) -> str | None:
    rendered = sanitize(_PARSER.render(body)).strip()
    # paragraphs and line breaks only, and no escape or entity changed a character: the text path shows the same
    if not _FORMATTING_TAG.search(rendered) and '\\' not in body and '&' not in body:
        return None
    return rendered


def text_of(markup: str) -> str:
    """The words a person reads in sanitized `markup` (every `<` in its text is escaped, so tags are all `<...>`)."""
    return html.unescape(_TAG.sub('', markup)).strip()
