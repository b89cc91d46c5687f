"""Invitation codes and answers to custom questions."""

from __future__ import annotations

import httpx

from tests.events.registration_support import (
    error_fields,
    event_with_ticket,
    invitation,
    problem_code,
    question,
    register,
    taken,
)
from tests.factories import Factory

CHOICES = [{"value": "a", "en": "Alpha", "zh": "甲"}, {"value": "b", "en": "Beta", "zh": "乙"}]


async def test_invitation_codes(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=10, event_fields={"invitation_only": True})
    code = await invitation(setup.event_id, max_uses=1)
    first, second, third = await factory.user(), await factory.user(), await factory.user()

    missing = await register(client, first, setup.event_id, setup.ticket_id)
    assert missing.status_code == 422 and problem_code(missing) == "invitation_required"
    assert error_fields(missing) == {"invitation_code"}

    wrong = await register(client, first, setup.event_id, setup.ticket_id, invitation_code="NOPE-123")
    assert wrong.status_code == 422 and problem_code(wrong) == "invitation_invalid"

    # Codes are matched without regard to case; surrounding spaces are ignored.
    ok = await register(client, first, setup.event_id, setup.ticket_id, invitation_code=f" {code.lower()} ")
    assert ok.status_code == 201 and ok.json()["status"] == "confirmed"

    used_up = await register(client, second, setup.event_id, setup.ticket_id, invitation_code=code)
    assert used_up.status_code == 409 and problem_code(used_up) == "invitation_used_up"
    assert await taken(setup.ticket_id) == 1  # the refused registration took no seat

    # A code of another event is not valid here.
    other = await event_with_ticket(factory, event_fields={"invitation_only": True})
    foreign = await invitation(other.event_id)
    response = await register(client, third, setup.event_id, setup.ticket_id, invitation_code=foreign)
    assert problem_code(response) == "invitation_invalid"


async def test_invitation_use_is_given_back_when_the_registration_fails(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """A refused registration (sold out, no waiting list) must not consume the code."""
    setup = await event_with_ticket(
        factory, capacity=1, event_fields={"invitation_only": True, "waitlist_enabled": False}
    )
    code = await invitation(setup.event_id, max_uses=5)
    first, second = await factory.user(), await factory.user()
    assert (
        await register(client, first, setup.event_id, setup.ticket_id, invitation_code=code)
    ).status_code == 201
    refused = await register(client, second, setup.event_id, setup.ticket_id, invitation_code=code)
    assert problem_code(refused) == "capacity_exhausted"

    from events.tables import InvitationCode

    row = await InvitationCode.select(InvitationCode.used).where(InvitationCode.code == code).first()
    assert row is not None and row["used"] == 1


async def test_answers_are_validated_per_question(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    text = await question(setup.event_id, "text", required=True, label_en="Research field")
    single = await question(setup.event_id, "single", required=True, options=CHOICES)
    multiple = await question(setup.event_id, "multiple", options=CHOICES)
    user = await factory.user()

    response = await register(
        client,
        user,
        setup.event_id,
        setup.ticket_id,
        answers={str(single): "z", str(multiple): ["a", "q"], "999999": "x"},
    )
    assert response.status_code == 422, response.text
    assert error_fields(response) == {
        f"answers.{text}",
        f"answers.{single}",
        f"answers.{multiple}",
        "answers.999999",
    }

    too_long = await register(
        client, user, setup.event_id, setup.ticket_id, answers={str(text): "x" * 2001, str(single): "a"}
    )
    assert too_long.status_code == 422 and error_fields(too_long) == {f"answers.{text}"}

    ok = await register(
        client,
        user,
        setup.event_id,
        setup.ticket_id,
        answers={str(text): "  新材料  ", str(single): "b", str(multiple): ["a", "b", "a"]},
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["answers"] == {str(text): "新材料", str(single): "b", str(multiple): ["a", "b"]}
    stored = await client.get(f"/api/v1/registrations/{ok.json()['id']}", headers=user.headers)
    assert stored.json()["answers"] == ok.json()["answers"]


async def test_optional_questions_may_stay_empty(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    await question(setup.event_id, "text")
    await question(setup.event_id, "multiple", options=CHOICES)
    user = await factory.user()
    response = await register(client, user, setup.event_id, setup.ticket_id, answers={})
    assert response.status_code == 201 and response.json()["answers"] == {}
