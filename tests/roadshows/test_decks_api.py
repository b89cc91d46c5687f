"""Pitch decks: checked by content, bounded while streaming, stored outside the web root, and
readable by the team, the organisers it was submitted to and its unconflicted judges only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.projects_support import create_project, deck_files, investor, small_pdf, upload_deck

STATIC_ROOT = Path(__file__).resolve().parents[2] / "frontend" / "static"


async def test_upload_download_replace_delete(client: httpx.AsyncClient, factory: Factory) -> None:
    from roadshows.decks import deck_dir
    from roadshows.tables import Project

    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    first = small_pdf(2, "first")
    uploaded = await upload_deck(client, owner, project_id, first, filename="路演 deck.pdf")
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["size"] == len(first) and uploaded.json()["name"] == "路演 deck.pdf"

    downloaded = await client.get(f"/api/v1/projects/{project_id}/deck", headers=owner.headers)
    assert downloaded.status_code == 200
    assert downloaded.content == first
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%B7%AF%E6%BC%94%20deck.pdf" in downloaded.headers["content-disposition"]
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    assert downloaded.headers["cache-control"] == "private, no-store"

    row = await Project.select(Project.deck_file).where(Project.id == project_id).first()
    stored = deck_dir() / row["deck_file"]
    assert stored.read_bytes() == first
    assert "deck" not in stored.name and stored.suffix == ".pdf"  # a random name, not the upload's
    assert STATIC_ROOT not in stored.parents

    second = small_pdf(1, "second")
    assert (await upload_deck(client, owner, project_id, second)).status_code == 200
    assert not stored.exists()  # the replaced file is gone
    again = await client.get(f"/api/v1/projects/{project_id}/deck", headers=owner.headers)
    assert again.content == second
    shown = await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)
    assert shown.json()["deck"]["size"] == len(second)

    removed = await client.delete(f"/api/v1/projects/{project_id}/deck", headers=owner.headers)
    assert removed.status_code == 204
    assert (await client.get(f"/api/v1/projects/{project_id}/deck", headers=owner.headers)).status_code == 404
    assert (await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)).json()["deck"] is None
    row = await Project.select(Project.deck_file).where(Project.id == project_id).first()
    assert row["deck_file"] == ""
    assert not any(name.endswith(".tmp") for name in deck_files())


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (Path("/bin/true").read_bytes(), "x.pdf"),  # an executable renamed
        (b"PK\x03\x04" + b"\x00" * 400, "slides.pdf"),  # a zip renamed
        (b"%PDF-1.7\n" + b"garbage " * 300, "fake.pdf"),  # the magic, then nothing of a PDF
        (b"%PDF-" + Path("/bin/true").read_bytes(), "sneaky.pdf"),
        (small_pdf()[:200], "cut.pdf"),  # a real PDF cut short
    ],
)
async def test_non_pdf_refused_415(
    client: httpx.AsyncClient, factory: Factory, content: bytes, filename: str
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    before = deck_files()
    response = await upload_deck(client, owner, project_id, content, filename=filename)
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "not_a_pdf"
    assert deck_files() == before
    assert (await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)).json()["deck"] is None


async def test_missing_file_or_wrong_encoding(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    no_file = await client.put(
        f"/api/v1/projects/{project_id}/deck", data={"note": "hello"}, files={"other": ("a.pdf", b"x")},
        headers=owner.headers,
    )  # fmt: skip
    assert no_file.status_code == 422 and no_file.json()["code"] == "deck_missing"
    as_json = await client.put(
        f"/api/v1/projects/{project_id}/deck", json={"file": "x"}, headers=owner.headers
    )
    assert as_json.status_code == 422 and as_json.json()["code"] == "deck_missing"
    empty = await upload_deck(client, owner, project_id, b"")
    assert empty.status_code == 422
    truncated = await client.put(
        f"/api/v1/projects/{project_id}/deck",
        content=b'--cut\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 and then',
        headers={**owner.headers, "content-type": "multipart/form-data; boundary=cut"},
    )
    assert truncated.status_code == 422, truncated.text
    assert not any(name.endswith(".tmp") for name in deck_files())


async def test_oversize_refused_413_while_streaming(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadshows import decks

    monkeypatch.setattr(decks, "max_deck_bytes", lambda: 4096)
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    before = deck_files()
    big = small_pdf(40)  # a real PDF, just too large
    assert len(big) > 4096
    # Announced length within the multipart allowance: refused while counting the stream.
    counted = await upload_deck(client, owner, project_id, big)
    assert counted.status_code == 413, counted.text
    assert counted.json()["code"] == "deck_too_large"
    assert "4 KB" in counted.json()["detail"]
    # Announced length far over the limit: refused before reading the body.
    huge = await upload_deck(client, owner, project_id, b"%PDF-" + b"0" * 200_000)
    assert huge.status_code == 413 and huge.json()["code"] == "deck_too_large"

    # Without a Content-Length at all (chunked), the stream is still counted.
    async def chunks():  # type: ignore[no-untyped-def]
        boundary = b"deckboundary"
        yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="d.pdf"\r\n'
        yield b"Content-Type: application/pdf\r\n\r\n"
        for _ in range(50):
            yield b"%" * 1000
        yield b"\r\n--" + boundary + b"--\r\n"

    chunked = await client.put(
        f"/api/v1/projects/{project_id}/deck",
        content=chunks(),
        headers={**owner.headers, "content-type": "multipart/form-data; boundary=deckboundary"},
    )
    assert chunked.status_code == 413 and chunked.json()["code"] == "deck_too_large"
    assert deck_files() == before
    assert (await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)).json()["deck"] is None


async def test_who_may_read_the_deck(client: httpx.AsyncClient, factory: Factory) -> None:
    from roadshows.tables import JudgeConflict

    owner = await factory.user(entrepreneur=True)
    editor = await factory.user()
    project_id = (await create_project(client, owner))["id"]
    pdf = small_pdf(1, "readers")
    assert (await upload_deck(client, owner, project_id, pdf)).status_code == 200
    await client.post(
        f"/api/v1/projects/{project_id}/members", json={"email": editor.email}, headers=owner.headers
    )

    contest = await support.contest(factory)
    judge, conflicted, other_judge = [await factory.user() for _ in range(3)]
    outsider = await factory.user(entrepreneur=True)
    fund = await investor(factory)
    other_organiser, _org = await factory.organiser()
    url = f"/api/v1/projects/{project_id}/deck"

    async def status(user) -> int:  # type: ignore[no-untyped-def]
        response = await client.get(url, headers=user.headers)
        if response.status_code == 200:
            assert response.content == pdf
        return response.status_code

    # Before any submission: the team only.
    assert await status(owner) == 200 and await status(editor) == 200
    assert await status(contest.organiser) == 404
    assert await status(judge) == 404

    submission_id = await support.submission(contest.call_id, project_id)
    await support.assign(contest.round_id, judge, conflicted)
    await JudgeConflict(judge=conflicted.id, project=project_id, reason="former adviser").save()
    # Submitted: the call's organiser reads it; judges not until the project is in their round.
    assert await status(contest.organiser) == 200
    assert await status(judge) == 404
    await support.enter(contest.round_id, submission_id)
    assert await status(judge) == 200
    assert await status(conflicted) == 404
    # A judge of another round (of another call) does not.
    other = await support.contest(factory)
    await support.assign(other.round_id, other_judge)
    assert await status(other_judge) == 404
    for stranger in (outsider, fund, other_organiser, other.organiser):
        assert await status(stranger) == 404
    assert (await client.get(url)).status_code == 401


async def test_deck_above_the_default_request_limit_is_accepted(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """Litestar's 10 MB default body limit does not apply: the deck limit (20 MiB) does."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("data.bin", bytes(range(256)) * (11 * 4096))  # 11 MiB, stored as is
    buffer = io.BytesIO()
    writer.write(buffer)
    big = buffer.getvalue()
    assert 11 * 1024 * 1024 < len(big) < 20 * 1024 * 1024
    owner = await factory.user(entrepreneur=True)
    project_id = (await create_project(client, owner))["id"]
    response = await upload_deck(client, owner, project_id, big)
    assert response.status_code == 200, response.text[:300]
    downloaded = await client.get(f"/api/v1/projects/{project_id}/deck", headers=owner.headers)
    assert downloaded.content == big
