"""A fake camera for Chromium: a Y4M clip showing a QR code (or nothing).

Chromium's ``--use-file-for-fake-video-capture=<clip>.y4m`` plays the clip in a loop as the
camera of ``getUserMedia``. A Y4M file is one header line, then per frame ``FRAME\\n`` and the
three I420 planes (Y full size, U and V a quarter each). The QR is rendered from its module
matrix (``qrcode``), so no imaging library is needed.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M

WIDTH, HEIGHT, FPS = 640, 480, 10
WHITE, BLACK, NEUTRAL = 235, 16, 128  # a paper-white card, black ink, no colour


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` as the ticket renders it (level M), with a 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def luma_plane(matrix: list[list[bool]] | None, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A grey frame with the QR, scaled to most of the frame's height, in the middle."""
    plane = bytearray([WHITE if matrix is None else 200]) * (width * height)
    if matrix is None:
        return bytes(plane)
    size = len(matrix)
    scale = max(1, int(height * 0.9) // size)
    left, top = (width - size * scale) // 2, (height - size * scale) // 2
    for row_index, row in enumerate(matrix):
        line = bytearray()
        for dark in row:
            line += bytes([BLACK if dark else WHITE]) * scale
        for dy in range(scale):
            start = (top + row_index * scale + dy) * width + left
            plane[start : start + len(line)] = line
    return bytes(plane)


def write_y4m(path: Path, text: str | None, frames: int = FPS) -> Path:
    """Write a clip of ``frames`` identical frames showing the QR of ``text`` (blank if None)."""
    luma = luma_plane(qr_matrix(text) if text is not None else None)
    chroma = bytes([NEUTRAL]) * ((WIDTH // 2) * (HEIGHT // 2))
    frame = b"FRAME\n" + luma + chroma + chroma
    path = path.resolve()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(frame)
    return path
