"""QR images: valid SVG and PNG, rendered once and then served from the file cache."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

from checkin import qr


def test_svg_is_valid_and_cached() -> None:
    token = f"TEST{uuid.uuid4().hex.upper()}"
    before = qr.render_count()
    svg = qr.qr_svg(token)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    path = qr.cache_path(token, "svg")
    mtime = path.stat().st_mtime_ns
    assert qr.qr_svg(token) == svg
    assert qr.render_count() == before + 1  # the second call read the file
    assert path.stat().st_mtime_ns == mtime


def test_png_is_valid_and_cached() -> None:
    token = f"TEST{uuid.uuid4().hex.upper()}"
    before = qr.render_count()
    png = qr.qr_png(token)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    size = len(qr.matrix(token)) * qr.PNG_SCALE
    assert int.from_bytes(png[16:20], "big") == size == int.from_bytes(png[20:24], "big")
    assert qr.qr_png(token) == png
    assert qr.render_count() == before + 1  # the second call read the file
    import zlib

    idat_len = int.from_bytes(png[33:37], "big")
    assert png[37:41] == b"IDAT"
    pixels = zlib.decompress(png[41 : 41 + idat_len])
    stride = 1 + (size + 7) // 8
    assert len(pixels) == size * stride  # filter byte + 1-bit row per line
    # Sampling one pixel per module gives back exactly the QR matrix (0 bit = dark).
    scale, modules = qr.PNG_SCALE, qr.matrix(token)
    sampled = [
        [
            not pixels[y * scale * stride + 1 + (x * scale) // 8] >> (7 - (x * scale) % 8) & 1
            for x in range(len(modules))
        ]
        for y in range(len(modules))
    ]
    assert sampled == modules
    assert qr.cache_path(token, "png").name == f"{qr.etag(token)}.png"


def test_etag_is_the_token_sha256() -> None:
    import hashlib

    assert qr.etag("ABC") == hashlib.sha256(b"ABC").hexdigest()
