"""The client address behind reverse proxies: the one key per-address limits (registrations, sign-in failures) and the
metrics access check use.

X-Forwarded-For is believed only when the direct peer is a trusted proxy (CHAT_TRUSTED_PROXIES): anyone else can
write any address into it and so pick a fresh rate-limit key per request. Each proxy appends the address it was
reached from, so the list is read from the right: the first entry that is not itself a trusted proxy is the client.
Entries left of it were written by the client and are never used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(text: str) -> Address | None:
    """An IP address as proxies write it: bare, IPv6 in brackets, either with a port; None when it is none of these."""
    text = text.strip()
    if text.startswith('['):  # [2001:db8::1] or [2001:db8::1]:443
        text = text[1 : text.find(']')] if ']' in text else ''
    elif text.count(':') == 1:  # 192.0.2.1:443 (a bare IPv6 address has two or more colons)
        text = text.split(':', 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1 (a dual-stack socket reports it so)
    return address


def is_trusted(address: Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted if network.version == address.version)


def client_address(peer: str, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client's address: the peer's own, unless the peer is a trusted proxy and X-Forwarded-For names someone.

    `forwarded_for` holds every X-Forwarded-For header value in order (a proxy may add a header instead of
    appending). Walking right to left, trusted proxies are skipped; an entry that is not an address ends the walk at
    the last address read (the nearest trusted proxy), since everything from there leftwards is unproven."""
    current = parse_address(peer)
    if not trusted or not is_trusted(current, trusted):
        return peer
    chosen = str(current)
    entries = [entry for value in forwarded_for for entry in value.split(',') if entry.strip()]
    for entry in reversed(entries):
        address = parse_address(entry)
        if address is None:
            break
        chosen = str(address)
        if not is_trusted(address, trusted):
            break
    return chosen


def is_loopback(address: str) -> bool:
    parsed = parse_address(address)
    return parsed is not None and parsed.is_loopback
