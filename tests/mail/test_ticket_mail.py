"""The confirmation mail carries the ticket's QR code: attached as ticket.png and inline in the HTML.

Registrations go through the real API (SQLite group commit, PostgreSQL batch statement or, with
an invitation code, the one-registration statement); the app's own sender writes the .eml file,
and the same message goes over SMTP to a local aiosmtpd server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
from email.message import EmailMessage
from typing import Any

import httpx

from app.mail.attachments import decode
from app.mail.outbox import enqueue, render_mail
from app.mail.sender import _deliver, build_message, compose
from app.mail.tables import OutboxMessage
from app.settings import SmtpSettings, get_settings
from checkin.tokens import live_token
from tests import factories
from tests.events.registration_support import event_with_ticket, invitation, register
from tests.factories import Factory
from tests.mail.qr_png import assert_qr_of
from tests.mail.smtp import Inbox


async def _mail_row(event_id: int, to: str, kind: str) -> dict[str, Any]:
    for _ in range(100):
        row = (
            await OutboxMessage.select()
            .where(
                (OutboxMessage.event_id == event_id)
                & (OutboxMessage.to_address == to)
                & (OutboxMessage.kind == kind)
            )
            .first()
        )
        if row is not None:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {kind} mail to {to}")


async def _sent_eml(message_id: int) -> EmailMessage:
    """The .eml the app's sender task wrote for ``message_id``."""
    for _ in range(200):
        row = await OutboxMessage.select(OutboxMessage.status).where(OutboxMessage.id == message_id).first()
        if row is not None and row["status"] == "sent":
            break
        await asyncio.sleep(0.05)
    assert row is not None and row["status"] == "sent", row
    files = list(get_settings().mail_dir.glob(f"*-{message_id:08d}.eml"))
    assert len(files) == 1
    return email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def _check_ticket_mail(message: EmailMessage, token: str, code: str) -> None:
    """ticket.png attached and inline (same cid as the HTML's <img>), text says so and links."""
    attached = [p for p in message.iter_attachments() if p.get_filename() == "ticket.png"]
    assert len(attached) == 1
    assert attached[0].get_content_type() == "image/png"
    assert_qr_of(attached[0].get_content(), token)

    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()
    assert 'src="cid:ticket-qr@luyan"' in html
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    inline = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    assert len(inline) == 1 and inline[0]["Content-ID"] == "<ticket-qr@luyan>"
    assert_qr_of(inline[0].get_content(), token)

    text_part = message.get_body(preferencelist=("plain",))
    assert text_part is not None
    text = text_part.get_content()
    assert "attached" in text and "ticket.png" in text
    assert f"/me/tickets/{code}" in text
    assert f'href="{get_settings().public_base_url}/me/tickets/{code}"' in html


async def _registered(
    client: httpx.AsyncClient, factory: Factory, **body: Any
) -> tuple[factories.TestUser, dict[str, Any], int]:
    setup = await event_with_ticket(factory, event_fields=body.pop("event_fields", None))
    user = await factory.user()
    if body.pop("with_invitation", False):
        body["invitation_code"] = await invitation(setup.event_id)
    response = await register(client, user, setup.event_id, setup.ticket_id, **body)
    assert response.status_code == 201, response.text
    return user, response.json(), setup.event_id


async def test_confirmation_mail_carries_the_ticket_qr(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg, event_id = await _registered(client, factory)
    assert reg["status"] == "confirmed"
    row = await _mail_row(event_id, user.email, "registration.confirmed")
    assert decode(row["attachments"]) == [
        {"kind": "ticket_qr", "code": reg["code"], "cid": "ticket-qr@luyan", "alt": "QR code of your ticket"}
    ]
    message = await _sent_eml(row["id"])
    token = await live_token(reg["id"])
    assert token is not None
    _check_ticket_mail(message, token, reg["code"])


async def test_invitation_code_path_carries_it_too(client: httpx.AsyncClient, factory: Factory) -> None:
    """With a code, PostgreSQL writes through the one-registration statement instead of the batch."""
    user, reg, event_id = await _registered(
        client, factory, with_invitation=True, event_fields={"invitation_only": True}
    )
    row = await _mail_row(event_id, user.email, "registration.confirmed")
    message = await _sent_eml(row["id"])
    token = await live_token(reg["id"])
    assert token is not None
    _check_ticket_mail(message, token, reg["code"])


async def test_mail_in_chinese_says_so_too(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    user = await factory.user(locale="zh")
    response = await register(client, user, setup.event_id, setup.ticket_id)
    assert response.status_code == 201
    row = await _mail_row(setup.event_id, user.email, "registration.confirmed")
    assert "二维码已作为附件（ticket.png）" in row["body_text"]
    assert 'alt="您的电子票二维码"' in row["body_html"]


async def test_waitlisted_and_pending_mails_carry_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=1)
    first, second = await factory.user(), await factory.user()
    assert (await register(client, first, setup.event_id, setup.ticket_id)).json()["status"] == "confirmed"
    waiting = await register(client, second, setup.event_id, setup.ticket_id)
    assert waiting.json()["status"] == "waitlisted"
    row = await _mail_row(setup.event_id, second.email, "registration.waitlisted")
    assert decode(row["attachments"]) == [] and "cid:" not in row["body_html"]

    approval = await event_with_ticket(factory, requires_approval=True)
    third = await factory.user()
    pending = await register(client, third, approval.event_id, approval.ticket_id)
    assert pending.json()["status"] == "pending"
    row = await _mail_row(approval.event_id, third.email, "registration.pending")
    assert decode(row["attachments"]) == []


async def test_approval_mail_carries_the_ticket_qr(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, requires_approval=True)
    user = await factory.user()
    reg = (await register(client, user, setup.event_id, setup.ticket_id)).json()
    approved = await client.post(
        f"/api/v1/registrations/{reg['id']}/approve", headers=setup.organiser.headers
    )
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"
    row = await _mail_row(setup.event_id, user.email, "registration.confirmed")
    message = await _sent_eml(row["id"])
    token = await live_token(reg["id"])
    assert token is not None
    _check_ticket_mail(message, token, reg["code"])


async def test_smtp_delivers_the_attachment(
    client: httpx.AsyncClient,
    factory: Factory,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    user, reg, event_id = await _registered(client, factory)
    row = await _mail_row(event_id, user.email, "registration.confirmed")
    await _sent_eml(row["id"])  # the app's own sender is done with it: send it again over SMTP
    smtp = SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender="luyan@example.test")
    settings = dataclasses.replace(get_settings(), smtp=smtp)
    await _deliver(settings, await compose(row, smtp.sender), row["id"])
    assert len(inbox.messages) == 1
    envelope, received = inbox.messages[0]
    assert envelope.rcpt_tos == [user.email]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
    token = await live_token(reg["id"])
    assert token is not None
    _check_ticket_mail(message, token, reg["code"])  # type: ignore[arg-type]
    assert received.is_multipart()


async def test_a_cancelled_registration_gets_its_mail_without_the_qr(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user, reg, event_id = await _registered(client, factory)
    cancelled = await client.post(f"/api/v1/registrations/{reg['id']}/cancel", headers=user.headers)
    assert cancelled.status_code == 200
    row = await _mail_row(event_id, user.email, "registration.confirmed")
    message = await compose(row, "luyan@example.test")  # the real resolver: not confirmed any more
    assert not [p for p in message.iter_attachments()]
    html = message.get_body(preferencelist=("html",))
    assert html is not None and "cid:" not in html.get_content()
    assert await live_token(reg["id"]) is None  # and no token was issued for it


async def test_an_unknown_attachment_kind_waits_for_a_process_that_knows_it(app: Any) -> None:
    mail = render_mail(
        "welcome", "en", name="Ada", link="http://x", attachments=({"kind": "not-here", "x": 1},)
    )
    message_id = await enqueue("nobody@example.test", mail, "account.welcome")
    for _ in range(100):
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        if row["last_error"]:
            break
        await asyncio.sleep(0.05)
    assert row["status"] == "queued" and row["attempts"] == 0, row
    assert "not-here" in row["last_error"]
    assert row["next_attempt_at"] > row["created_at"]
    await OutboxMessage.delete().where(OutboxMessage.id == message_id)  # keep the queue clean


def test_build_message_without_attachments_is_unchanged() -> None:
    row = {
        "to_address": "a@example.test",
        "subject": "Hi",
        "body_text": "x\n",
        "body_html": "<p>x</p>",
        "kind": "k",
    }
    message = build_message(row, "luyan@example.test")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
