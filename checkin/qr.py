"""QR images of ticket tokens, rendered once per token and cached on disk.

``qrcode`` renders SVG (its path factory) and PNG (its pure-Python factory over ``pypng``, so no
Pillow). Files live in ``settings.var_dir/qr/`` named by the
SHA-256 of the token, so they survive restarts, and the same hash is the HTTP ETag: a token's
image never changes, so it can be served ``Cache-Control: immutable``.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathImage

from app.settings import get_settings

BORDER = 4  # quiet zone in modules, as the QR standard asks
PNG_SCALE = 8  # pixels per module
_renders = 0  # how many images were actually rendered (the rest came from the cache)


def etag(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cache_dir() -> Path:
    return get_settings().var_dir / "qr"


def cache_path(token: str, kind: str) -> Path:
    return cache_dir() / f"{etag(token)}.{kind}"


def render_count() -> int:
    return _renders


def _qr(token: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER, box_size=PNG_SCALE)
    qr.add_data(token, optimize=0)  # one segment: base45 tokens go in alphanumeric mode
    qr.make(fit=True)
    return qr


def matrix(token: str) -> list[list[bool]]:
    """The module matrix including the quiet zone (True = dark)."""
    return _qr(token).get_matrix()


def _image_bytes(token: str, factory: type) -> bytes:
    buffer = io.BytesIO()
    _qr(token).make_image(image_factory=factory).save(buffer)
    return buffer.getvalue()


def render_svg(token: str) -> bytes:
    """One SVG path (qrcode's ``SvgPathImage``): small, crisp at any size."""
    return _image_bytes(token, SvgPathImage)


def render_png(token: str) -> bytes:
    """A PNG, ``PNG_SCALE`` pixels per module (qrcode's pure-Python ``PyPNGImage``)."""
    return _image_bytes(token, PyPNGImage)


def _cached(token: str, kind: str, render) -> bytes:
    global _renders
    path = cache_path(token, kind)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render(token)
    _renders += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: readers never see half a file, concurrent renderers both win.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return data


def qr_svg(token: str) -> bytes:
    return _cached(token, "svg", render_svg)


def qr_png(token: str) -> bytes:
    return _cached(token, "png", render_png)
