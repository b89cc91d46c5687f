"""Introduction requests: one pending per institution and project (also under concurrency),
decisions by the team only, contacts exchanged only on accept, mail to both sides."""

from __future__ import annotations

import asyncio

import httpx
from litestar import Litestar

from tests.factories import Factory, csrf_token, web_login
from tests.roadshows import investors_support as inv


def ask_url(project_id: int) -> str:
    return f"/api/v1/databank/projects/{project_id}/introductions"


def team_url(project_id: int) -> str:
    return f"/api/v1/projects/{project_id}/databank/introductions"


async def test_request_accept_exchanges_contacts_and_mails_both_sides(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True, locale="zh")
    editor = await factory.user()
    project_id = await inv.listed_project(owner, "full_on_introduction")
    from roadshows.tables import ProjectMember

    await ProjectMember(project=project_id, user=editor.id, role="editor").save()
    found = await inv.investor(factory, name_en="Alpha Capital")
    colleague = await inv.member(factory, found.institution_id)

    asked = await client.post(
        ask_url(project_id), json={"message": "We invest in sensors."}, headers=found.user.headers
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "pending" and request["team_contact"] is None
    team_mail = await inv.outbox_to(owner.email)
    assert [m["kind"] for m in team_mail] == ["introduction.requested"]
    assert (
        "Alpha Capital" in team_mail[0]["body_text"] and "对接申请" in team_mail[0]["subject"]
    )  # owner reads Chinese
    assert [m["kind"] for m in await inv.outbox_to(editor.email)] == ["introduction.requested"]
    assert [m["kind"] for m in await inv.outbox_to(found.user.email)] == ["introduction.sent"]

    # Before the decision the team sees the institution and message, not the requester.
    pending = (await client.get(team_url(project_id), headers=editor.headers)).json()
    assert pending[0]["message"] == "We invest in sensors." and pending[0]["requester"] is None
    assert found.user.email not in str(pending)
    teaser = (await client.get(f"/api/v1/databank/projects/{project_id}", headers=found.user.headers)).json()
    assert teaser["access"] == "teaser" and teaser["viewer"]["introduction"]["status"] == "pending"

    accepted = await client.post(f"{team_url(project_id)}/{request['id']}/accept", headers=editor.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["requester"] == {"name": found.user.display_name, "email": found.user.email}
    twice = await client.post(f"{team_url(project_id)}/{request['id']}/decline", headers=owner.headers)
    assert twice.status_code == 409 and twice.json()["code"] == "introduction_not_pending"

    mine = (await client.get("/api/v1/databank/introductions", headers=colleague.headers)).json()
    assert mine[0]["status"] == "accepted"
    assert mine[0]["team_contact"] == {
        "name": "Wang Li",
        "email": "wang.li@lake.example",
        "phone": "+86 571 0000 0000",
    }
    full = (await client.get(f"/api/v1/databank/projects/{project_id}", headers=colleague.headers)).json()
    assert full["access"] == "full" and full["contact_email"] == "wang.li@lake.example"
    requester_mail = await inv.outbox_to(found.user.email)
    assert [m["kind"] for m in requester_mail] == ["introduction.sent", "introduction.accepted"]
    assert "wang.li@lake.example" in requester_mail[1]["body_text"]
    connected = await inv.outbox_to(owner.email)
    assert (
        connected[-1]["kind"] == "introduction.connected" and found.user.email in connected[-1]["body_text"]
    )

    again = await client.post(ask_url(project_id), json={"message": "Again"}, headers=colleague.headers)
    assert again.status_code == 409 and again.json()["code"] == "introduction_accepted"


async def test_decline_shares_nothing_and_the_institution_may_ask_again(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    found = await inv.investor(factory)
    request = (
        await client.post(ask_url(project_id), json={"message": "Hi"}, headers=found.user.headers)
    ).json()

    declined = await client.post(f"{team_url(project_id)}/{request['id']}/decline", headers=owner.headers)
    assert declined.status_code == 200 and declined.json()["requester"] is None
    mine = (await client.get("/api/v1/databank/introductions", headers=found.user.headers)).json()
    assert mine[0]["status"] == "declined" and mine[0]["team_contact"] is None
    detail = (await client.get(f"/api/v1/databank/projects/{project_id}", headers=found.user.headers)).json()
    assert detail["access"] == "teaser" and "contact_email" not in detail
    mails = await inv.outbox_to(found.user.email)
    assert mails[-1]["kind"] == "introduction.declined"
    assert "wang.li@lake.example" not in mails[-1]["body_text"]
    team = (await client.get(team_url(project_id), headers=owner.headers)).json()
    assert found.user.email not in str(team)

    again = await client.post(ask_url(project_id), json={"message": "Second try"}, headers=found.user.headers)
    assert again.status_code == 201


async def test_one_pending_request_per_institution_even_when_concurrent(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "teaser_public")
    found = await inv.investor(factory)
    colleagues = [found.user] + [await inv.member(factory, found.institution_id) for _ in range(5)]

    responses = await asyncio.gather(
        *(client.post(ask_url(project_id), json={"message": "Hello"}, headers=u.headers) for u in colleagues)
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"introduction_pending"}
    from roadshows.tables import IntroductionRequest

    assert await IntroductionRequest.count().where(IntroductionRequest.project == project_id) == 1
    # Only one set of mails went out.
    assert len(await inv.outbox_to(owner.email)) == 1
    # Another institution has its own request.
    other = await inv.investor(factory, name_en="Other Fund")
    assert (
        await client.post(ask_url(project_id), json={"message": "Hi"}, headers=other.user.headers)
    ).status_code == 201


async def test_the_unique_index_alone_refuses_a_second_pending_request(factory: Factory) -> None:
    """The database, not only the check before it, keeps one pending request per institution."""
    from roadshows.projects import is_unique_violation
    from roadshows.tables import IntroductionRequest

    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner)
    found = await inv.investor(factory)
    await IntroductionRequest(institution=found.institution_id, project=project_id, message="a").save()
    try:
        await IntroductionRequest(institution=found.institution_id, project=project_id, message="b").save()
    except Exception as exc:
        assert is_unique_violation(exc)
    else:
        raise AssertionError("a second pending request was stored")
    await IntroductionRequest(
        institution=found.institution_id, project=project_id, message="c", status="declined"
    ).save()


async def test_only_the_team_decides_and_only_the_institution_withdraws(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    found = await inv.investor(factory)
    colleague = await inv.member(factory, found.institution_id)
    admin = await inv.member(factory, found.institution_id, role="admin")
    outsider = await inv.investor(factory, name_en="Outsider Fund")
    stranger_team = await factory.user(entrepreneur=True)
    request = (
        await client.post(ask_url(project_id), json={"message": "Hi"}, headers=found.user.headers)
    ).json()
    decide = f"{team_url(project_id)}/{request['id']}/accept"

    for user in (found.user, outsider.user, stranger_team, await factory.user()):
        response = await client.post(decide, headers=user.headers)
        assert response.status_code == 404
        assert (await client.get(team_url(project_id), headers=user.headers)).status_code == 404

    withdraw = f"/api/v1/databank/introductions/{request['id']}/withdraw"
    assert (await client.post(withdraw, headers=outsider.user.headers)).status_code == 404
    refused = await client.post(withdraw, headers=colleague.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "not_requester"
    by_admin = await client.post(withdraw, headers=admin.headers)
    assert by_admin.status_code == 200 and by_admin.json()["status"] == "withdrawn"
    late = await client.post(decide, headers=owner.headers)
    assert late.status_code == 409
    assert (await client.post(withdraw, headers=found.user.headers)).status_code == 409


async def test_request_validation_and_hidden_projects(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    hidden = await inv.listed_project(owner, "full_subscribers", withdrawn=True)
    found = await inv.investor(factory)
    second_institution = await inv.institution("Second Fund")
    multi = await inv.member(factory, found.institution_id)
    from app.accounts.tables import InstitutionMember

    await InstitutionMember(institution=second_institution, user=multi.id).save()

    empty = await client.post(ask_url(project_id), json={"message": ""}, headers=found.user.headers)
    assert empty.status_code == 422
    blank = await client.post(ask_url(project_id), json={"message": "   "}, headers=found.user.headers)
    assert blank.status_code == 422
    assert (
        await client.post(ask_url(hidden), json={"message": "Hi"}, headers=found.user.headers)
    ).status_code == 404
    unnamed = await client.post(ask_url(project_id), json={"message": "Hi"}, headers=multi.headers)
    assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "institution_id"
    foreign = await client.post(
        ask_url(project_id), json={"message": "Hi", "institution_id": 99999999}, headers=multi.headers
    )
    assert foreign.status_code == 422
    named = await client.post(
        ask_url(project_id),
        json={"message": "Hi", "institution_id": second_institution},
        headers=multi.headers,
    )
    assert named.status_code == 201 and named.json()["institution_id"] == second_institution
    entrepreneur = await factory.user(entrepreneur=True)
    assert (
        await client.post(ask_url(project_id), json={"message": "Hi"}, headers=entrepreneur.headers)
    ).status_code == 403
    bad_json = await client.post(
        ask_url(project_id),
        content=b"{not json",
        headers={**found.user.headers, "content-type": "application/json"},
    )
    assert bad_json.status_code in (400, 422)


async def test_pages_request_decide_and_list(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_on_introduction", name_en="Lake Sensor")
    found = await inv.investor(factory, name_en="Alpha Capital")
    html = {"accept": "text/html"}
    investor_client = client
    await web_login(investor_client, found.user)
    token = await csrf_token(investor_client, f"/databank/projects/{project_id}")
    invalid = await investor_client.post(
        f"/databank/projects/{project_id}/introductions",
        data={"_csrf_token": token, "message": ""},
        headers=html,
    )
    assert invalid.status_code == 422 and "field-error" in invalid.text
    sent = await investor_client.post(
        f"/databank/projects/{project_id}/introductions",
        data={"_csrf_token": token, "message": "Let us meet."},
    )
    assert sent.status_code == 303
    mine = await investor_client.get("/databank/introductions", headers=html)
    assert "Lake Sensor" in mine.text and "Let us meet." in mine.text

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as team_client:
        await web_login(team_client, owner)
        page = await team_client.get(f"/me/projects/{project_id}/databank", headers=html)
        assert page.status_code == 200 and "Alpha Capital" in page.text and "Let us meet." in page.text
        assert found.user.email not in page.text
        request_id = (await team_client.get(team_url(project_id))).json()[0]["id"]
        team_token = await csrf_token(team_client, f"/me/projects/{project_id}/databank")
        accepted = await team_client.post(
            f"/me/projects/{project_id}/databank/introductions/{request_id}/accept",
            data={"_csrf_token": team_token},
        )
        assert accepted.status_code == 303
        page = await team_client.get(f"/me/projects/{project_id}/databank", headers=html)
        assert found.user.email in page.text
        again = await team_client.post(
            f"/me/projects/{project_id}/databank/introductions/{request_id}/decline",
            data={"_csrf_token": team_token},
        )
        assert again.status_code == 303  # answered already: a flash, nothing changes

    mine = await investor_client.get("/databank/introductions", headers=html)
    assert 'data-testid="team-contact"' in mine.text and "wang.li@lake.example" in mine.text
    detail = await investor_client.get(f"/databank/projects/{project_id}", headers=html)
    assert 'data-testid="full-details"' in detail.text
