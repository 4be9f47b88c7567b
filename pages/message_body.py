"""How a message's body looks, for both kits (pages/elements.py and the speed layer's light twin): formatted bodies'
styles, and folding long ones.

A formatted body is sanitized HTML (chat/markup.py) set as the `innerHTML` of a div: the browser parses it as HTML and
Vue never compiles it, so `{{ }}` in a message stays text. Its inner elements are styled through Tailwind's arbitrary
variants on that div (`[&_pre]:...`): the sanitizer lets no class or style attribute through.

A long body is folded: a maximal height with the rest hidden, and a "show more" button under it that unfolds it (and
folds it again) on that page only. Folding is a class on the page's own body element, never on an element that other
pages show too.
"""

from __future__ import annotations

from chat import markup

FOLD_LINES = 15  # a body with more lines, or more characters, is folded
FOLD_CHARS = 1500
FOLDED_CLASSES = ['max-h-80', 'overflow-hidden']  # about 15 lines of text
FOLD_BUTTON_CLASSES = ['self-start']
FOLD_BUTTON_PROPS = {'flat': True, 'dense': True, 'no-caps': True, 'data-testid': 'fold'}

# The column of the feed keeps a text body's line breaks (white-space: pre-wrap); formatted bodies bring their own as
# <br> and blocks, so the newlines between their tags must not show.
FORMATTED_CLASSES = [
    'whitespace-normal',
    'min-w-0',
    'max-w-full',
    '[&_p]:my-0',
    '[&_p+p]:mt-2',
    '[&_pre]:whitespace-pre',
    '[&_pre]:overflow-x-auto',
    '[&_pre]:max-w-full',
    '[&_pre]:my-1',
    '[&_pre]:p-2',
    '[&_pre]:rounded',
    '[&_pre]:bg-black/5',
    '[&_code]:font-mono',
    '[&_blockquote]:my-1',
    '[&_blockquote]:pl-2',
    '[&_blockquote]:border-l-4',
    '[&_blockquote]:border-black/20',
    '[&_ul]:list-disc',
    '[&_ol]:list-decimal',
    '[&_ul]:pl-5',
    '[&_ol]:pl-5',
    '[&_a]:underline',
]

FoldLabels = tuple[str, str]  # the button's label while folded ("show more") and while unfolded ("show less")


def folds(body: str) -> bool:
    """Whether a body is long enough to be shown folded."""
    return len(body) > FOLD_CHARS or body.count('\n') >= FOLD_LINES


def folded_classes(classes: list[str]) -> list[str]:
    return [*classes, *FOLDED_CLASSES]


def unfolded_classes(classes: list[str]) -> list[str]:
    return [c for c in classes if c not in FOLDED_CLASSES]


def is_folded(classes: list[str]) -> bool:
    return FOLDED_CLASSES[0] in classes


def shown_text(text: str | None, formatted: str | None, *, folded: bool) -> str:
    """The words a person sees of a body (its text, or its formatted HTML's text): what tests match (`should_see`)."""
    words = markup.text_of(formatted) if formatted is not None else text or ''
    if folded:
        words = '\n'.join(words.split('\n')[:FOLD_LINES])[:FOLD_CHARS]
    return words
