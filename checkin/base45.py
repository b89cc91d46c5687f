"""Base45 (RFC 9285): the ticket token's text form.

Its alphabet is exactly the QR code's alphanumeric mode, so a token fits a smaller QR than in
base64 (see docs/checkin.md). Every scan decodes one, so decoding avoids a Python loop per
character.
"""

from __future__ import annotations

import struct

_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_BYTES = _B45.encode()
_B45_DIGITS = bytes.maketrans(_B45_BYTES, bytes(range(45)))


def b45encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (_B45[c], _B45[d], _B45[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (_B45[c], _B45[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Raises ``ValueError`` on anything that is not canonical base45.

    Every scan decodes a token, so this avoids a Python loop per character: the alphabet is
    checked and mapped to digit values by ``bytes.translate`` (in C), then each group of three
    digits becomes one big-endian 16-bit value packed by ``struct``."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raise ValueError("not base45") from None
    if raw.translate(None, _B45_BYTES):
        raise ValueError("not base45")
    digits = raw.translate(_B45_DIGITS)
    whole, rest = divmod(len(digits), 3)
    if rest == 1:
        raise ValueError("bad base45 length")
    values = [
        a + b * 45 + c * 2025 for a, b, c in zip(digits[0::3], digits[1::3], digits[2::3], strict=False)
    ]
    if values and max(values) > 0xFFFF:
        raise ValueError("base45 overflow")
    out = struct.pack(f">{whole}H", *values)
    if rest == 2:
        n = digits[-2] + digits[-1] * 45
        if n > 0xFF:
            raise ValueError("base45 overflow")
        out += bytes((n,))
    return out
