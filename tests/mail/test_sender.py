"""Mail really leaves: over SMTP to a real local server, or as .eml files without SMTP."""

from __future__ import annotations

import asyncio
import email
import email.header
import os
import subprocess
import sys
from pathlib import Path

from litestar import Litestar

from tests.factories import unique
from tests.mail.smtp import Inbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]

ENQUEUE = """
import asyncio, sys
from app.mail.outbox import enqueue, render_mail
asyncio.run(enqueue(sys.argv[1], render_mail("welcome", sys.argv[2], name="Ada", link="http://x/events"),
                    "account.welcome"))
"""


def _luyan(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_send_mail_command_delivers_over_smtp_then_falls_back_to_eml(
    smtp_server: tuple[Inbox, int], tmp_path: Path
) -> None:
    """``luyan send-mail`` on a database of its own, so the app's sender task cannot take the mail."""
    inbox, port = smtp_server
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LUYAN_") or k == "LUYAN_ENV"},
        "LUYAN_VAR_DIR": str(tmp_path),
        "LUYAN_DATABASE_URL": f"sqlite:///{tmp_path / 'mail.sqlite3'}",
        "LUYAN_SECRET_KEY": "s" * 40,
    }
    assert _luyan(env, "-m", "app.cli", "migrate").returncode == 0
    to = f"{unique('smtp')}@example.test"
    assert _luyan(env, "-c", ENQUEUE, to, "zh").returncode == 0

    smtp_env = {
        **env,
        "LUYAN_SMTP_HOST": "127.0.0.1",
        "LUYAN_SMTP_PORT": str(port),
        "LUYAN_SMTP_STARTTLS": "0",
    }
    sent = _luyan(smtp_env, "-m", "app.cli", "send-mail")
    assert sent.returncode == 0, sent.stderr
    assert "sent 1 message(s) via SMTP" in sent.stdout
    assert len(inbox.messages) == 1
    envelope, message = inbox.messages[0]
    assert envelope.rcpt_tos == [to]
    from app.mail.outbox import render_mail

    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert subject == render_mail("welcome", "zh", name="Ada", link="http://x/events").subject
    assert message.is_multipart()  # text and HTML alternatives
    assert not list((tmp_path / "mail").glob("*.eml"))

    # Without SMTP settings the same command writes an .eml file instead.
    other = f"{unique('eml')}@example.test"
    assert _luyan(env, "-c", ENQUEUE, other, "en").returncode == 0
    fallback = _luyan(env, "-m", "app.cli", "send-mail")
    assert fallback.returncode == 0, fallback.stderr
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    written = email.message_from_bytes(files[0].read_bytes())
    assert written["To"] == other and written["Subject"] == "Welcome to luyan"
    assert len(inbox.messages) == 1  # nothing more went over SMTP


async def test_app_sender_writes_eml_files(app: Litestar) -> None:
    """The server's own sender task picks up queued mail and writes it under var/mail/."""
    from app.mail.outbox import enqueue, render_mail
    from app.mail.tables import OutboxMessage
    from app.settings import get_settings

    to = f"{unique('bg')}@example.test"
    message_id = await enqueue(
        to, render_mail("welcome", "en", name="Bo", link="http://x"), "account.welcome"
    )
    for _ in range(100):
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        if row["status"] == "sent":
            break
        await asyncio.sleep(0.1)
    assert row["status"] == "sent", row
    files = [p for p in get_settings().mail_dir.glob(f"*-{message_id:08d}.eml")]
    assert len(files) == 1
    assert f"To: {to}" in files[0].read_text()
