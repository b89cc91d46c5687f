"""Moving submissions: every legal move, illegal ones (409 with the allowed list), who may move
what, the mail for each move in each recipient's language, and simultaneous moves."""

from __future__ import annotations

import asyncio
from itertools import pairwise

import httpx
import pytest

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.calls_support import add_editor, mails_to, move, pitch, status_of

PATH = ["submitted", "under_review", "shortlisted", "scheduled", "pitched", "awarded"]
SUBJECTS = {
    "under_review": ("Under review: Test Project", "评审中：测试项目"),
    "shortlisted": ("Shortlisted: Test Project", "已入围：测试项目"),
    "scheduled": ("Scheduled to pitch: Test Project", "已安排路演：测试项目"),
    "pitched": ("Thank you for pitching: Test Project", "感谢您的路演：测试项目"),
    "awarded": ("Congratulations: Test Project has won an award", "恭喜：测试项目 获奖"),
    "rejected": ("Not selected: Test Project", "未入选：测试项目"),
    "withdrawn": ("Submission withdrawn: Test Project", "申报已撤回：测试项目"),
}


async def test_the_whole_way_to_an_award_with_a_mail_per_move_in_each_language(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    p = await pitch(factory)
    editor = await factory.user(entrepreneur=True, locale="zh")
    await add_editor(p.project_id, editor)
    submission_id = await support.submission(p.call_id, p.project_id)
    for from_status, to_status in pairwise(PATH):
        extra = {"award_en": "Gold prize", "award_zh": "金奖"} if to_status == "awarded" else {}
        response = await move(client, p.organiser, submission_id, to_status, note="well done", **extra)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == to_status
        assert await status_of(submission_id) == to_status
        en, zh = (await mails_to(p.founder.email))[-1], (await mails_to(editor.email))[-1]
        assert en["kind"] == zh["kind"] == f"submission.{to_status}"
        assert (en["subject"], zh["subject"]) == SUBJECTS[to_status], from_status
        assert "Note from the organisers: well done" in en["body_text"]
        assert "主办方备注：well done" in zh["body_text"]
    final = (await client.get(f"/api/v1/submissions/{submission_id}", headers=p.founder.headers)).json()
    assert (final["award_en"], final["award_zh"], final["allowed_moves"]) == ("Gold prize", "金奖", [])
    assert "Award: Gold prize" in (await mails_to(p.founder.email))[-1]["body_text"]
    history = await client.get(f"/api/v1/submissions/{submission_id}/moves", headers=p.organiser.headers)
    assert [(m["from_status"], m["to_status"]) for m in history.json()] == list(pairwise(PATH))
    assert {m["actor_id"] for m in history.json()} == {p.organiser.id}


@pytest.mark.parametrize("status", ["submitted", "under_review", "shortlisted", "scheduled", "pitched"])
async def test_organiser_may_reject_until_the_end(
    client: httpx.AsyncClient, factory: Factory, status: str
) -> None:
    p = await pitch(factory, founder_locale="zh")
    submission_id = await support.submission(p.call_id, p.project_id, status=status)
    response = await move(client, p.organiser, submission_id, "rejected", note="数据不足")
    assert response.status_code == 200, response.text
    mail = (await mails_to(p.founder.email))[-1]
    assert mail["subject"] == SUBJECTS["rejected"][1] and "数据不足" in mail["body_text"]


@pytest.mark.parametrize(
    ("status", "target", "allowed"),
    [
        ("submitted", "shortlisted", ["under_review", "rejected"]),
        ("submitted", "awarded", ["under_review", "rejected"]),
        ("under_review", "submitted", ["shortlisted", "rejected"]),
        ("scheduled", "awarded", ["pitched", "rejected"]),
        ("awarded", "rejected", []),
        ("rejected", "under_review", []),
        ("withdrawn", "under_review", []),
    ],
)
async def test_illegal_moves_answer_409_with_the_allowed_list(
    client: httpx.AsyncClient, factory: Factory, status: str, target: str, allowed: list[str]
) -> None:
    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id, status=status)
    response = await move(client, p.organiser, submission_id, target)
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "illegal_move" and problem["allowed"] == allowed
    assert problem["submission_status"] == status
    assert await status_of(submission_id) == status
    assert await mails_to(p.founder.email) == []


async def test_the_team_can_withdraw_but_not_shortlist(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id, status="shortlisted")
    response = await move(client, p.founder, submission_id, "scheduled")
    assert response.status_code == 409 and response.json()["allowed"] == ["withdrawn"]
    withdrawn = await client.post(f"/api/v1/submissions/{submission_id}/withdraw", headers=p.founder.headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert (await mails_to(p.founder.email))[-1]["kind"] == "submission.withdrawn"
    again = await client.post(f"/api/v1/submissions/{submission_id}/withdraw", headers=p.founder.headers)
    assert again.status_code == 409 and again.json()["allowed"] == []


async def test_the_team_cannot_move_a_fresh_submission_forward(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id)
    response = await move(client, p.founder, submission_id, "shortlisted")
    assert response.status_code == 409 and response.json()["allowed"] == ["withdrawn"]
    assert await status_of(submission_id) == "submitted"
    by_move = await move(client, p.founder, submission_id, "withdrawn", note="pivoting")
    assert by_move.status_code == 200 and by_move.json()["status"] == "withdrawn"


async def test_organisers_do_not_withdraw_on_a_teams_behalf(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id, status="under_review")
    url = f"/api/v1/submissions/{submission_id}"
    response = await client.post(url + "/withdraw", headers=p.organiser.headers)
    assert response.status_code == 409 and response.json()["allowed"] == ["shortlisted", "rejected"]
    response = await move(client, p.organiser, submission_id, "withdrawn")
    assert response.status_code == 409
    assert await status_of(submission_id) == "under_review"


async def test_award_texts_only_with_the_award(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id)
    response = await move(client, p.organiser, submission_id, "under_review", award_en="Gold")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "award_en"


async def test_a_stale_from_status_is_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id, status="under_review")
    response = await move(client, p.organiser, submission_id, "under_review", from_status="submitted")
    assert response.status_code == 409 and response.json()["allowed"] == ["shortlisted", "rejected"]


async def test_two_simultaneous_moves_exactly_one_wins(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    other_organiser = await factory.user()
    from app.accounts.tables import OrganisationMember

    await OrganisationMember(organisation=p.organisation_id, user=other_organiser.id, role="owner").save()
    for targets in (("under_review", "under_review"), ("under_review", "rejected")):
        submission_id = await support.submission(p.call_id, await support.project(p.founder))
        responses = await asyncio.gather(
            move(client, p.organiser, submission_id, targets[0], from_status="submitted"),
            move(client, other_organiser, submission_id, targets[1], from_status="submitted"),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409], [r.text for r in responses]
        from roadshows.tables import SubmissionMove

        assert await SubmissionMove.count().where(SubmissionMove.submission == submission_id) == 1


async def test_service_transition_without_a_seen_status_serialises(factory: Factory) -> None:
    """The service-level move used by other areas: the same move twice at once, one wins."""
    from app.errors import Conflict
    from roadshows.submissions import transition

    p = await pitch(factory)
    submission_id = await support.submission(p.call_id, p.project_id)
    results = await asyncio.gather(
        transition(submission_id, "under_review", actor_id=None),
        transition(submission_id, "under_review", actor_id=None),
        return_exceptions=True,
    )
    assert sum(isinstance(r, dict) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert await status_of(submission_id) == "under_review"


async def test_moves_are_announced_after_commit(app: object, factory: Factory) -> None:
    from app.signals import current_app
    from roadshows.submissions import transition

    seen: list[dict[str, object]] = []
    litestar_app = current_app()
    assert litestar_app is not None

    async def record(**payload: object) -> None:
        seen.append(payload)

    class Registered:
        fn = staticmethod(record)

    listeners = litestar_app.event_emitter.listeners
    listeners.setdefault("submission.moved", set())
    registered = Registered()
    listeners["submission.moved"].add(registered)  # type: ignore[arg-type]
    try:
        p = await pitch(factory)
        submission_id = await support.submission(p.call_id, p.project_id)
        await transition(submission_id, "under_review", actor_id=p.organiser.id)
        for _ in range(20):
            if seen:
                break
            await asyncio.sleep(0.01)
    finally:
        listeners["submission.moved"].discard(registered)  # type: ignore[arg-type]
    assert seen == [{"submission_id": submission_id, "from_status": "submitted", "to_status": "under_review"}]
