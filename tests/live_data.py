"""Bulk test data for load against a live server: many users with API tokens, in few queries.

``tests.factories.Factory.user`` makes one user per call (two queries each); the concurrency
test and the benchmark need hundreds, so these helpers insert them in batches. They use the
Piccolo tables of the current process's database (settings must already be configured).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

BATCH = 200


@dataclass(frozen=True, slots=True)
class LoadUser:
    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def users_with_tokens(count: int, *, label: str = "load") -> list[LoadUser]:
    """``count`` fresh users, each with one API token, inserted in batches."""
    from app.accounts.passwords import hash_password
    from app.accounts.tables import ApiToken, User
    from app.auth import hash_token, new_token

    password_hash = await hash_password(uuid.uuid4().hex)  # nobody signs in as these users
    run = uuid.uuid4().hex[:8]
    users: list[LoadUser] = []
    for start in range(0, count, BATCH):
        emails = [f"{label}-{run}-{i}@example.test" for i in range(start, min(count, start + BATCH))]
        rows = [
            User(email=email, password_hash=password_hash, display_name=email.split("@")[0])
            for email in emails
        ]
        await User.insert(*rows)
        # RETURNING order is not guaranteed on SQLite: map ids back by email.
        found = await User.select(User.id, User.email).where(User.email.is_in(emails))
        by_email = {row["email"]: row["id"] for row in found}
        ids = [by_email[email] for email in emails]
        tokens = [new_token() for _ in ids]
        await ApiToken.insert(
            *[
                ApiToken(user=user_id, name=label, prefix=token[:10], token_hash=hash_token(token))
                for user_id, token in zip(ids, tokens, strict=True)
            ]
        )
        users.extend(LoadUser(i, e, t) for i, e, t in zip(ids, emails, tokens, strict=True))
    return users
