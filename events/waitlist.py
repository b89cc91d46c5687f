"""Placeholder replaced by the waiting-list service."""

import asyncio


async def run_sweeper() -> None:
    await asyncio.Event().wait()
