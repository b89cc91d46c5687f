"""Per-event Ed25519 signing keys.

Each event gets one key pair the first time a ticket is issued for it. The public key goes to
scanners (they verify offline, holding no secret); the raw 32-byte private key is stored wrapped
with AES-GCM under a key derived by HKDF-SHA256 from ``settings.secret_key``, so a database dump
alone cannot forge tickets. Rotating ``secret_key`` therefore needs the keys re-wrapped.
"""

from __future__ import annotations

import os
import sqlite3

import asyncpg
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from app.settings import get_settings
from checkin.tables import EventSigningKey

CURRENT_KEY_ID = 1
_HKDF_INFO = b"luyan/checkin/event-signing-key/v1"
_NONCE_BYTES = 12


def _wrapping_key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret_key.encode())


def _aad(event_id: int, key_id: int) -> bytes:
    # Binds the wrapped key to its row: a wrapped key copied to another event will not unwrap.
    return f"event={event_id};key={key_id}".encode()


def wrap_private_key(raw: bytes, event_id: int, key_id: int, secret_key: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_wrapping_key(secret_key)).encrypt(nonce, raw, _aad(event_id, key_id))


def unwrap_private_key(wrapped: bytes, event_id: int, key_id: int, secret_key: str) -> bytes:
    nonce, ciphertext = wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:]
    return AESGCM(_wrapping_key(secret_key)).decrypt(nonce, ciphertext, _aad(event_id, key_id))


def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh (raw private key, raw public key), 32 bytes each."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return raw, private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


async def _read(event_id: int) -> dict | None:
    return (
        await EventSigningKey.select(
            EventSigningKey.key_id, EventSigningKey.private_key_wrapped, EventSigningKey.public_key
        )
        .where(EventSigningKey.event == event_id)
        .first()
    )


async def _get_or_create(event_id: int) -> dict:
    row = await _read(event_id)
    if row is not None:
        return row
    raw, public = new_key_pair()
    wrapped = wrap_private_key(raw, event_id, CURRENT_KEY_ID, get_settings().secret_key)
    try:
        await EventSigningKey(
            event=event_id, key_id=CURRENT_KEY_ID, private_key_wrapped=wrapped, public_key=public
        ).save()
    except (sqlite3.IntegrityError, asyncpg.UniqueViolationError):
        pass  # another request created it first: the unique constraint decides, we re-read
    row = await _read(event_id)
    assert row is not None
    return row


async def signing_key(event_id: int) -> tuple[int, Ed25519PrivateKey]:
    """The event's (key id, private key), creating the pair on first use."""
    row = await _get_or_create(event_id)
    raw = unwrap_private_key(
        bytes(row["private_key_wrapped"]), event_id, row["key_id"], get_settings().secret_key
    )
    return row["key_id"], Ed25519PrivateKey.from_private_bytes(raw)


async def public_key(event_id: int) -> bytes:
    """The event's raw 32-byte Ed25519 public key, creating the pair on first use."""
    return bytes((await _get_or_create(event_id))["public_key"])


async def public_keys(event_id: int) -> dict[tuple[int, int], bytes]:
    """``{(event_id, key_id): public key}`` as ``verify_token`` and offline scanners take it."""
    row = await _get_or_create(event_id)
    return {(event_id, row["key_id"]): bytes(row["public_key"])}
