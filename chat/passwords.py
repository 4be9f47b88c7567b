"""Password hashing with passlib (from the maintained libpass distribution); argon2id preferred."""

from __future__ import annotations

import asyncio

from passlib.context import CryptContext

DEFAULT_MEMORY_KIB, DEFAULT_TIME_COST = 65536, 3


def _make_context(memory_kib: int, time_cost: int) -> CryptContext:
    return CryptContext(
        schemes=['argon2', 'bcrypt'], deprecated='auto', argon2__memory_cost=memory_kib, argon2__rounds=time_cost
    )


_params = (DEFAULT_MEMORY_KIB, DEFAULT_TIME_COST)
_context = _make_context(*_params)
# verified against when the user does not exist, so both failures cost the same time
_DUMMY_HASH = _context.hash('not-a-real-password')


def configure(memory_kib: int, time_cost: int) -> None:
    """The argon2id cost of new hashes (settings.password_*); hashes made at other parameters count as outdated and
    are re-made at the next sign-in."""
    global _params, _context, _DUMMY_HASH
    if (memory_kib, time_cost) == _params:
        return
    _params = (memory_kib, time_cost)
    _context = _make_context(*_params)
    _DUMMY_HASH = _context.hash('not-a-real-password')


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_context.hash, password)


def _verify_and_update(password: str, password_hash: str) -> tuple[bool, str | None]:
    try:
        return _context.verify_and_update(password, password_hash)
    except ValueError:  # a password the scheme refuses (NUL for bcrypt, over passlib's size, not UTF-8), a bad hash
        return False, None


async def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Returns (valid, new_hash) where new_hash is set when the stored hash should be upgraded."""
    if password_hash is None:
        await asyncio.to_thread(_verify_and_update, password, _DUMMY_HASH)
        return False, None
    return await asyncio.to_thread(_verify_and_update, password, password_hash)
