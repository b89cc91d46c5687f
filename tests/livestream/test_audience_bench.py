"""The audience benchmark's tooling at N=50 (``bench/bench_audience.py``), and the frames the
tick writes straight to uvicorn's transports: a real uvicorn worker and real websocket
clients, so the direct path is the one exercised (the in-process tests go through ASGI)."""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from pathlib import Path

import pytest
from websockets.frames import Frame, Opcode

from livestream.audience_parts import text_frame

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
def test_text_frame_is_what_the_websockets_library_would_send(size: int) -> None:
    text = "é" * (size // 2) + "x" * (size % 2)
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])
    assert text_frame(text) == expected


def test_fifty_viewers_on_the_app_and_on_the_baseline(tmp_path: Path) -> None:
    from bench import bench_audience

    args = argparse.Namespace(
        broadcasts=3, per_generator=50, ws="auto", deflate=False, profile=False, trace_memory=False
    )
    results = asyncio.run(bench_audience.run(args, [50], tmp_path))
    row = results["50"]
    for kind in ("luyan", "baseline"):
        figures = row[kind]
        assert (figures["opened"], figures["failed"], figures["closed_by_server"]) == (50, 0, 0), figures
        assert figures["broadcasts"] >= 3
        assert figures["missed"] == 0 and figures["bad_frames"] == 0, figures
        assert all(r["received"] == 50 for r in figures["per_broadcast"])
        assert 0 < figures["p50_ms"] <= figures["p99_ms"] < 5000
        assert figures["rss_kb_per_connection"] > 0
    assert row["luyan"]["direct_share"] == 1.0  # every frame went straight to the transport
    assert not math.isnan(row["ratio"]) and row["ratio"] > 0
