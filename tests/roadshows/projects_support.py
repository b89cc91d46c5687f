"""Helpers for the projects tests: a small real PDF, multipart uploads and API payloads."""

from __future__ import annotations

import io
from typing import Any

import httpx

from tests.factories import Factory, TestUser


def small_pdf(pages: int = 1, text: str = "") -> bytes:
    """A real PDF (pypdf writes it), ``pages`` blank pages; ``text`` goes in its metadata so
    two decks differ."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def project_payload(**fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name_en": "Lake Sensor",
        "name_zh": "湖泊传感器",
        "summary_en": "Water quality sensing for lakes.",
        "sector": "environment",
        "stage": "prototype",
        "region": "Zhejiang",
        "country": "CN",
        "funding_sought": 3_000_000,
        "currency": "CNY",
        "team": [{"name": "Chen Jing", "role": "CEO"}],
        "website": "https://lake-sensor.example",
    }
    payload.update(fields)
    return payload


async def create_project(client: httpx.AsyncClient, owner: TestUser, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/projects", json=project_payload(**fields), headers=owner.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def upload_deck(
    client: httpx.AsyncClient,
    user: TestUser,
    project_id: int,
    content: bytes,
    *,
    filename: str = "deck.pdf",
    content_type: str = "application/pdf",
) -> httpx.Response:
    return await client.put(
        f"/api/v1/projects/{project_id}/deck",
        files={"file": (filename, content, content_type)},
        headers=user.headers,
    )


async def add_member(
    client: httpx.AsyncClient, owner: TestUser, project_id: int, email: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/projects/{project_id}/members", json={"email": email}, headers=owner.headers
    )


async def investor(factory: Factory) -> TestUser:
    """An account in an investment institution (what ``requires_investor`` looks for)."""
    from app.accounts.tables import Institution, InstitutionMember
    from tests.factories import unique

    user = await factory.user()
    institution = Institution(slug=unique("fund"), name_en="Test Fund", name_zh="测试基金")
    await institution.save()
    await InstitutionMember(institution=institution.id, user=user.id, role="member").save()
    return user


def deck_files() -> list[str]:
    """Every file in the decks directory, temporary ones included."""
    from roadshows.decks import deck_dir

    directory = deck_dir()
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []
