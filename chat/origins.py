"""Same-origin rule for pages, uploads and the socket handshake (NiceGUI's socket server accepts any origin)."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """A request without an Origin header is not cross-origin (browsers always send one on websockets and POSTs)."""
    if not origin:
        return True
    if origin in allowed:
        return True
    if origin == 'null':
        return False
    return bool(host) and urlsplit(origin).netloc.lower() == (host or '').lower()
