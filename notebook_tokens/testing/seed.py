"""Seed data: "minimal" (admin + user, a token each, a service principal, 30 clusters) and "demo" (plus
varied tokens and a secret scope "demo" holding a PAT under key "pat").

Realistic for today's platform: no active token is unused for more than 90 days (the platform would have
revoked it); the stale one is unused for 80 days, so revoked for inactivity in 10.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from notebook_tokens.testing.clusters_api import make_clusters
from notebook_tokens.testing.model import DAY_MS, Scope
from notebook_tokens.testing.scim_principals_api import add_service_principal

if TYPE_CHECKING:
    from notebook_tokens.testing.workspace import FakeWorkspace

SEEDS = ("minimal", "demo")
CLUSTER_COUNT = 30
# one service principal, enough for on-behalf-of tokens (a SCIM resource in `ws.service_principals`)
SERVICE_PRINCIPAL_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"


def seed_workspace(
    ws: FakeWorkspace, kind: str, *, admin_token: str | None = None, user_token: str | None = None
) -> None:
    if kind not in SEEDS:
        raise ValueError(f"unknown seed {kind!r}; choose one of {', '.join(SEEDS)}")
    ws.admin_token = ws.add_user(ws.admin_user_name, admin=True, token=admin_token)
    ws.user_token = ws.add_user(ws.user_user_name, token=user_token)
    if SERVICE_PRINCIPAL_ID not in ws.service_principals:
        add_service_principal(ws, SERVICE_PRINCIPAL_ID, "etl-bot")
    ws.clusters = make_clusters(CLUSTER_COUNT, [ws.admin_user_name, ws.user_user_name], ws.now_ms())
    if kind == "demo":
        _demo_extras(ws)


def _demo_extras(ws: FakeWorkspace) -> None:
    now, today = ws.now_ms(), ws.today_ms()
    user, admin = ws.user_user_name, ws.admin_user_name
    ws.issue_token(user, comment="laptop CLI", lifetime_seconds=90 * 86_400, last_used_day=today)
    ws.issue_token(
        user,
        comment="expires soon: airflow",
        creation_time_ms=now - 85 * DAY_MS,
        expiry_time_ms=now + 3 * DAY_MS,
        last_used_day=today - DAY_MS,
    )
    ws.issue_token(
        user,
        comment="old notebook job",
        creation_time_ms=now - 200 * DAY_MS,
        expiry_time_ms=now - 10 * DAY_MS,
        last_used_day=today - 40 * DAY_MS,
    )
    ws.issue_token(  # 80 days unused: the platform revokes it for inactivity in 10 days
        admin,
        comment="stale: unused since spring",
        creation_time_ms=now - 150 * DAY_MS,
        last_used_day=today - 80 * DAY_MS,
    )
    ws.issue_token(admin, comment="terraform", lifetime_seconds=365 * 86_400)
    pat, _ = ws.issue_token(user, comment="stored in secret scope demo/pat", lifetime_seconds=30 * 86_400)
    scope = Scope("demo", {admin: "MANAGE", "users": "MANAGE"})
    scope.secrets["pat"] = (pat.encode(), now)
    ws.scopes["demo"] = scope
    ws.changed()
