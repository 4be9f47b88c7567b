"""Message formatting (chat/markup.py) and folding (pages/message_body.py): what reaches a page as HTML is only ever
the allowed tags, attributes and addresses, whatever a person writes."""

from __future__ import annotations

import cProfile
import pstats
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chat import markup
from pages import message_body

ALLOWED_ATTRIBUTES = {'a': {'href', 'target', 'rel'}, 'ol': {'start'}}


class Collect(HTMLParser):
    """Every tag and attribute of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Collect()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_safe(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in markup.ALLOWED_TAGS, html
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()), html
        if tag == 'a':
            assert attrs.get('target') == '_blank' and attrs.get('rel') == 'noopener noreferrer', html
            if 'href' in attrs:
                assert urlsplit(attrs['href'] or '').scheme in markup.URL_SCHEMES, html


# --- what must stay inert -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '<b>raw</b>',
        '{{ 1+1 }}',
        '[x](javascript:alert(1))',
        '[x](JaVaScRiPt:alert(1))',
        '[x](data:text/html,<script>alert(1)</script>)',
        '[x](vbscript:msgbox(1))',
    ],
)
def test_markup_and_script_in_a_body_are_shown_as_written(body: str) -> None:
    rendered = markup.render(body)
    if rendered is not None:  # shown as text, or as a paragraph whose text is the body
        assert [tag for tag, _ in tags_of(rendered)] == ['p'] and markup.text_of(rendered) == body
    assert_safe(rendered or '')


def test_a_data_image_link_keeps_its_text_but_loses_its_address() -> None:
    rendered = markup.render('[x](data:image/png;base64,AAAA)')  # the parser lets data:image through; nh3 does not
    assert rendered is not None and 'data:' not in rendered and markup.text_of(rendered) == 'x'
    assert_safe(rendered)


def test_an_image_is_never_an_img_only_a_plain_link() -> None:
    rendered = markup.render('![img](http://example.com/a.png)')
    assert rendered is not None and '<img' not in rendered
    assert tags_of(rendered) == [
        ('p', {}),
        ('a', {'href': 'http://example.com/a.png', 'target': '_blank', 'rel': 'noopener noreferrer'}),
    ]
    assert markup.text_of(rendered) == '!img'


def test_relative_links_and_link_titles_are_dropped() -> None:
    rendered = markup.render('[out](/auth/signout) and [t](http://example.com "a title")')
    assert rendered is not None
    assert tags_of(rendered)[1] == ('a', {'target': '_blank', 'rel': 'noopener noreferrer'})  # no address: inert
    assert tags_of(rendered)[2][1] == {'href': 'http://example.com', 'target': '_blank', 'rel': 'noopener noreferrer'}


def test_the_sanitizer_alone_allows_only_its_list() -> None:
    """Whatever the parser might emit (a bug, a new rule), the sanitizer's allow-list decides."""
    dirty = (
        '<p onclick="alert(1)" class="x" style="color:red">a</p><script>alert(1)</script><style>*{}</style>'
        '<img src=x onerror=alert(1)><iframe src="http://example.com"></iframe><svg onload=alert(1)></svg>'
        '<a href="javascript:alert(1)">j</a><a href="http://example.com" target="_self" rel="opener">h</a>'
        '<h1>big</h1><!-- comment --><form action="/x"><input name=a></form>'
    )
    clean = markup.sanitize(dirty)
    assert_safe(clean)
    assert 'alert' not in clean and 'comment' not in clean and '*{}' not in clean
    assert tags_of(clean) == [
        ('p', {}),
        ('a', {'target': '_blank', 'rel': 'noopener noreferrer'}),
        ('a', {'href': 'http://example.com', 'target': '_blank', 'rel': 'noopener noreferrer'}),
    ]
    assert markup.sanitize(clean) == clean  # the plain kit's ui.html sanitizes once more: nothing changes


# --- what renders ---------------------------------------------------------------------------------------------------


def test_bold_italic_strike_and_code() -> None:
    rendered = markup.render('**bold** _italic_ ~~gone~~ `code()`')
    assert rendered == '<p><strong>bold</strong> <em>italic</em> <s>gone</s> <code>code()</code></p>'


def test_an_address_becomes_a_link_opening_a_new_tab() -> None:
    rendered = markup.render('see https://example.com/a?b=1&c=2 now')
    assert rendered is not None
    assert tags_of(rendered)[1] == (
        'a',
        {'href': 'https://example.com/a?b=1&c=2', 'target': '_blank', 'rel': 'noopener noreferrer'},
    )
    assert markup.text_of(rendered) == 'see https://example.com/a?b=1&c=2 now'
    assert markup.render('example.com') is None  # only written-out addresses
    mail = markup.render('[write](mailto:anna@example.com)')
    assert mail is not None and 'href="mailto:anna@example.com"' in mail


def test_fenced_code_quotes_and_lists() -> None:
    rendered = markup.render('```python\nif a < b:\n    pass\n```')
    assert rendered == '<pre><code>if a &lt; b:\n    pass\n</code></pre>'  # no class: the sanitizer drops it
    assert markup.render('> quoted\n> twice') == '<blockquote>\n<p>quoted<br>\ntwice</p>\n</blockquote>'
    assert markup.render('- one\n- two') == '<ul>\n<li>one</li>\n<li>two</li>\n</ul>'
    assert markup.render('3. three\n4. four') == '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'


@pytest.mark.parametrize(
    'body', ['hello', 'Привет, как дела?', 'line one\nline two', '5 * 3 = 15', 'snake_case_name', '# not a heading']
)
def test_a_body_without_formatting_stays_text(body: str) -> None:
    assert markup.render(body) is None


def test_escapes_render_so_the_backslash_goes() -> None:
    rendered = markup.render(r'\*not bold\*')
    assert rendered == '<p>*not bold*</p>'


def test_very_long_bodies_are_text_and_the_worst_inputs_stay_bounded() -> None:
    assert markup.render('**b** ' + 'x' * markup.MAX_CHARS) is None
    for worst in ('[' * markup.MAX_CHARS, '*_' * (markup.MAX_CHARS // 2), '![a' * (markup.MAX_CHARS // 3)):
        half, full = render_calls(worst[: markup.MAX_CHARS // 2]), render_calls(worst)
        # the work grows in step with the length up to the cap (linear: twice as long, twice the calls; quadratic
        # would be four times), and stays within about a tenth of a second of Python on this machine
        assert full <= 2.5 * half, (worst[:6], half, full)
        assert full < 1_000_000, (worst[:6], full)


def render_calls(text: str) -> int:
    """Python function calls rendering `text` (uncached): a measure of work that does not depend on the machine's
    speed or load, unlike a stopwatch."""
    profile = cProfile.Profile()
    profile.enable()
    markup._render.__wrapped__(text)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


PIECES = [*'ab <>/"\'=:()[]!*_~`>#-+1.&\\\n', 'http://', 'javascript:', 'data:', 'mailto:']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map(''.join))
@example('<a href="javascript:alert(1)">x</a>')
@example('[a](<javascript:alert(1)>)')
@example('[a](java\nscript:alert(1))')
def test_any_body_renders_only_allowed_html(body: str) -> None:
    rendered = markup.render(body)
    if rendered is not None:
        assert_safe(rendered)


# --- folding ------------------------------------------------------------------------------------------------------


def test_long_bodies_fold_and_show_their_first_lines() -> None:
    forty = '\n'.join(f'line {n}' for n in range(1, 41))
    assert message_body.folds(forty) and message_body.folds('x' * 1501)
    assert not message_body.folds('\n'.join(['x'] * 15)) and not message_body.folds('x' * 1500)
    shown = message_body.shown_text(forty, None, folded=True)
    assert shown.endswith('line 15') and 'line 16' not in shown
    assert message_body.shown_text(forty, None, folded=False).endswith('line 40')
    assert message_body.shown_text(None, '<p><strong>hi</strong> there</p>', folded=False) == 'hi there'
