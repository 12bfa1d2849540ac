"""Team members' permissions on the dashboard, as Notify names them.

Notify admin's five user permissions (notifications-admin app/models/user.py,
`all_ui_permissions`); a member stored without any has them all.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.domain.models import TeamMember

__all__ = [
    "MANAGE_API_KEYS",
    "MANAGE_SERVICE",
    "MANAGE_TEMPLATES",
    "SEND_MESSAGES",
    "TEAM_PERMISSIONS",
    "VIEW_ACTIVITY",
    "check_team_permissions",
    "member_can",
]

VIEW_ACTIVITY = "view_activity"
SEND_MESSAGES = "send_messages"
MANAGE_TEMPLATES = "manage_templates"
MANAGE_SERVICE = "manage_service"
MANAGE_API_KEYS = "manage_api_keys"
TEAM_PERMISSIONS = (VIEW_ACTIVITY, SEND_MESSAGES, MANAGE_TEMPLATES, MANAGE_SERVICE, MANAGE_API_KEYS)


def member_can(member: TeamMember, permission: str) -> bool:
    return member.permissions is None or permission in member.permissions


def check_team_permissions(values: Iterable[object]) -> frozenset[str]:
    """The permissions a fixture or the admin API names, each one Notify's."""
    chosen = list(values)
    unknown = sorted(str(v) for v in chosen if v not in TEAM_PERMISSIONS)
    if unknown:
        raise ValueError(
            f"team permissions {', '.join(unknown)} not one of [{', '.join(TEAM_PERMISSIONS)}]"
        )
    return frozenset(str(v) for v in chosen)
