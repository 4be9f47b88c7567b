"""The emoji a message may carry: a palette of common ones shown first, and a larger fixed set in the picker. Only
these are accepted (never free text: a reaction is one of a known set of pictures, not a second message)."""

from __future__ import annotations

PALETTE = ('👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀')
MORE = (
    '👎', '🔥', '👏', '😊', '😍', '🤔', '😅', '😎', '🙌', '💯', '✅', '❌',
    '🚀', '⭐', '💡', '🤝', '😡', '😴', '🤣', '🥳', '😱', '💪', '👌', '🍕',
)  # fmt: skip
ALLOWED = frozenset(PALETTE + MORE)
MAX_DISTINCT = 20  # different emoji on one message
