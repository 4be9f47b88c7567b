"""Names people could mistake for one another: confusable skeletons (Unicode TR 39) and look-alike script mixing.

Two names with the same `skeleton` look the same (or nearly: letter case is folded too) to a reader, so the accounts
service keeps every person's username and display name skeletons apart from everyone else's. The confusables data is
Unicode's confusables.txt as shipped by `confusable_homoglyphs` (a JSON graph of look-alike pairs in both directions);
its scripts table comes from Unicode's Scripts.txt.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import confusable_homoglyphs
from confusable_homoglyphs import categories

_DATA = Path(confusable_homoglyphs.__file__).parent / 'confusables.json'
_MARK = '\u200e'  # the data wraps right-to-left characters in LEFT-TO-RIGHT MARKs for display
_NEUTRAL_SCRIPTS = {'COMMON', 'INHERITED', 'Unknown'}
_IGNORED = re.compile('[\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff\u034f]')  # ZW*, joiners, selectors
_WORDS = re.compile(r'[^\W\d_]+')  # runs of letters (with their marks), split at spaces, digits and punctuation


@cache
def _prototypes() -> dict[str, str]:
    """character -> its prototype (TR 39's mapping, one or more characters).

    confusables.txt maps each source character to one prototype, and prototypes are never sources; the JSON keeps
    each pair in both directions, so the graph is a set of stars around the prototypes. A node with two or more
    neighbours is a prototype; in a lone pair the longer string (a prototype may be a sequence, a source never is)
    or else the smaller one is taken as the prototype: either way both map to one key, which is all a skeleton needs.
    """
    graph: dict[str, set[str]] = {}
    for key, entries in json.loads(_DATA.read_text(encoding='utf-8')).items():
        node = key.replace(_MARK, '')
        for entry in entries:
            other = entry['c'].replace(_MARK, '')
            graph.setdefault(node, set()).add(other)
            graph.setdefault(other, set()).add(node)
    mapping: dict[str, str] = {}
    for node, neighbours in graph.items():
        if len(node) != 1 or len(neighbours) != 1:
            continue  # a sequence, or a prototype with several sources: maps to itself
        (other,) = neighbours
        if len(graph[other]) > 1 or len(other) > 1 or (len(graph[other]) == 1 and other < node):
            mapping[node] = other
    return mapping


def _tr39(text: str) -> str:
    mapping = _prototypes()
    text = _IGNORED.sub('', unicodedata.normalize('NFD', text))
    for _ in range(3):  # until stable: a prototype's own characters are prototypes, but the data is not checked
        mapped = unicodedata.normalize('NFD', ''.join(mapping.get(char, char) for char in text))
        if mapped == text:
            break
        text = mapped
    return text


def skeleton(name: str) -> str:
    """The key under which look-alike names are equal: TR 39's skeleton of the NFKC form (fullwidth and other
    compatibility variants folded), case-folded, and its skeleton again (so that "Alice", "alice" and "Аlice" with a
    Cyrillic А agree while "Il" and "ll" still do), with runs of spaces as one."""
    return ' '.join(_tr39(_tr39(unicodedata.normalize('NFKC', name)).casefold()).split())


def script(char: str) -> str:
    return categories.alias(char)


@cache
def _scripts_of_skeletons() -> dict[str, frozenset[str]]:
    """prototype -> the scripts that have a character with that prototype (itself included)."""
    found: dict[str, set[str]] = {}
    for source, prototype in _prototypes().items():
        found.setdefault(prototype, set()).add(script(source))
        if len(prototype) == 1:
            found[prototype].add(script(prototype))
    return {prototype: frozenset(scripts) for prototype, scripts in found.items()}


def _writable_in(char: str, target: str) -> bool:
    """Whether `target` has a character that looks like `char`."""
    prototype = _prototypes().get(char, char)
    return target in _scripts_of_skeletons().get(prototype, frozenset({script(char)}))


def look_alike_word(name: str) -> str | None:
    """The first word that mixes scripts so that it looks like a word of one script (TR 39's mixed-script
    confusable: "Аlice" with a Cyrillic А reads as Latin "Alice"), or None. Words in one script ("Анна", "Alice"),
    and words whose scripts cannot pass for one another ("DJВася": no Cyrillic D, no Latin я) are fine."""
    for word in _WORDS.findall(unicodedata.normalize('NFD', name)):
        scripts = {script(char) for char in word} - _NEUTRAL_SCRIPTS
        if len(scripts) < 2:
            continue
        for target in scripts:
            if all(_writable_in(char, target) for char in word if script(char) not in _NEUTRAL_SCRIPTS | {target}):
                return word
    return None
