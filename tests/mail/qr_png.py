"""Reading a QR PNG back: its module grid (pypng) and, where zxing-cpp is installed, its text."""

from __future__ import annotations

import png

from checkin import qr


def pixels(data: bytes) -> tuple[int, int, list[list[bool]]]:
    """(width, height, rows of dark pixels) of a greyscale or colour PNG."""
    width, height, rows, info = png.Reader(bytes=data).asDirect()
    planes, top = info["planes"], 2 ** info["bitdepth"] - 1
    dark = [[value * 2 < top for value in list(row)[::planes]] for row in rows]
    return width, height, dark


def modules(data: bytes, scale: int = qr.PNG_SCALE) -> list[list[bool]]:
    """The module matrix, sampled at the centre of each ``scale`` x ``scale`` square."""
    width, height, dark = pixels(data)
    assert width == height and width % scale == 0, (width, height)
    half = scale // 2
    return [[dark[y + half][x + half] for x in range(0, width, scale)] for y in range(0, height, scale)]


def decoded_text(data: bytes) -> str | None:
    """The QR's text as zxing-cpp reads it, or None when zxing-cpp is not installed."""
    try:
        import zxingcpp
    except ImportError:
        return None
    width, height, dark = pixels(data)
    grey = bytes(0 if pixel else 255 for row in dark for pixel in row)
    found = zxingcpp.read_barcodes(memoryview(grey).cast("B", (height, width)))
    assert len(found) == 1, found
    return found[0].text


def assert_qr_of(data: bytes, token: str) -> None:
    """``data`` is a valid PNG showing exactly ``token``'s QR code."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert modules(data) == qr.matrix(token)  # the same symbol qrcode encodes for the token
    text = decoded_text(data)
    assert text is None or text == token  # and a real decoder reads the token back
