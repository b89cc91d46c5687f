"""Password hashing with argon2id, off the event loop (hashing is deliberately slow)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.settings import get_settings

_production_hasher = PasswordHasher()
# Test runs hash hundreds of passwords; cheaper parameters keep the suite fast.
_test_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

MIN_PASSWORD_LENGTH = 8


def _hasher() -> PasswordHasher:
    return _test_hasher if get_settings().env == "test" else _production_hasher


def hash_password_sync(password: str) -> str:
    return _hasher().hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hash_password_sync, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


# A real hash to verify against when the account does not exist, so a login for an unknown
# email takes as long as one for a known email (no account enumeration by timing).
DUMMY_HASH = _production_hasher.hash("luyan-no-such-account")
