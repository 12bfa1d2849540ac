"""Who may use the dashboard: team members by password, the platform admin by token."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, replace

from simulator.domain.models import Service, TeamMember
from simulator.domain.ports import DirectoryStore
from simulator.domain.recipients import normalise_email_for_matching
from simulator.domain.team import member_can
from simulator.gateway.passwords import DOCUMENTED_PASSWORD, hash_password, verify_password

__all__ = ["Membership", "TeamAccess", "keep_passwords"]

# every permission, for the platform admin (who belongs to no team)
_ADMIN = TeamMember(name="Platform admin")


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a password anyone has")


@dataclass(frozen=True, slots=True)
class Membership:
    service: Service
    member: TeamMember

    def can(self, permission: str) -> bool:
        return member_can(self.member, permission)


def _same(member: TeamMember, email: str) -> bool:
    return member.email_address is not None and normalise_email_for_matching(
        member.email_address
    ) == normalise_email_for_matching(email)


def _signs_in(member: TeamMember, email: str) -> bool:
    return member.password_hash is not None and _same(member, email)


class TeamAccess:
    def __init__(self, store: DirectoryStore, admin_token: str) -> None:
        self._store = store
        self._admin_token = admin_token

    def is_admin_token(self, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token.encode(), self._admin_token.encode())

    async def sign_in(self, email: str, password: str) -> str | None:
        """The member's address if the password is right for one of their memberships."""
        if not email or not password:
            return None
        hashes = [
            (m.password_hash, m.email_address)
            for s in await self._store.list_services()
            for m in s.team
            if m.password_hash and _same(m, email)
        ]
        for password_hash, address in hashes:
            if await verify_password(password_hash, password):
                return address
        if not hashes:  # as slow as a wrong password, so timing does not tell who exists
            await verify_password(_dummy_hash(), password)
        return None

    async def documented_password_members(self) -> list[str]:
        """Who still signs in with the README's password (the banner warns off loopback)."""
        found: list[str] = []
        for service in await self._store.list_services():
            for member in service.team:
                address, hashed = member.email_address, member.password_hash
                if not address or not hashed or address in found:
                    continue
                if await verify_password(hashed, DOCUMENTED_PASSWORD):
                    found.append(address)
        return found

    async def memberships(self, email: str | None, *, admin: bool) -> list[Membership]:
        """The services this user sees now: removal from a team takes effect at once."""
        services = await self._store.list_services()
        if admin:
            return [Membership(s, _ADMIN) for s in services]
        if email is None:
            return []
        return [
            Membership(s, m)
            for s in services
            for m in s.team
            if m.password_hash and _same(m, email)
        ]

    async def membership(
        self, email: str | None, service_id: str, *, admin: bool
    ) -> Membership | None:
        service = await self._store.get_service(service_id)
        if service is None:
            return None
        if admin:
            return Membership(service, _ADMIN)
        if email is None:
            return None
        member = next((m for m in service.team if _signs_in(m, email)), None)
        return Membership(service, member) if member is not None else None


def keep_passwords(
    declared: Sequence[TeamMember], stored: Sequence[TeamMember]
) -> tuple[TeamMember, ...]:
    """A fixture's team wins, but a password set since (`team set-password`) survives."""
    kept = []
    for member in declared:
        previous = next(
            (s for s in stored if member.email_address and _same(s, member.email_address)), None
        )
        if member.password_hash is None and previous is not None and previous.password_hash:
            member = replace(member, password_hash=previous.password_hash)
        kept.append(member)
    return tuple(kept)
