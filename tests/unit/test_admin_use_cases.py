"""Key and service administration use cases on in-memory fakes of the ports.

Each test gives a use case a fake store, calls it as the admin API would, and checks
what it decided: the error, what was saved, the key events, who was told of the change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator.domain.errors import BadRequestError, NotifyError
from simulator.domain.messages import UK_MESSAGES
from simulator.domain.models import Service
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.key_admin import KeyManager
from simulator.gateway.service_admin import ServiceAdmin
from tests.unit.fakes import Changes, FakeClock, FakeDirectoryStore

SERVICE_ID = "d6aa2c68-a2d9-4437-ab19-3ae8eb202553"


def key_manager(
    store: FakeDirectoryStore, clock: FakeClock, changes: Changes | None = None
) -> KeyManager:
    return KeyManager(
        store=store,
        directory=ServiceDirectory(store),
        clock=clock,
        key_prefix="",
        on_change=changes or Changes(),
        messages=UK_MESSAGES,
    )


@pytest.fixture
def store() -> FakeDirectoryStore:
    fake = FakeDirectoryStore()
    fake.services[SERVICE_ID] = Service(id=SERVICE_ID, name="Trial service", restricted=True)
    return fake


async def test_creating_a_key_saves_it_logs_it_and_tells_the_directory(
    store: FakeDirectoryStore,
) -> None:
    changes = Changes()
    created = await key_manager(store, FakeClock(), changes).create(
        SERVICE_ID, {"name": "ci", "key_type": "team"}
    )
    assert store.keys[created.key.id] == created.key
    assert created.full_key.endswith(f"{SERVICE_ID}-{created.key.secret}")
    assert store.event_names(created.key.id) == ["created"]
    assert changes.seen == [SERVICE_ID]


async def test_a_trial_service_cannot_have_a_live_key(store: FakeDirectoryStore) -> None:
    with pytest.raises(BadRequestError, match="trial mode can only create test and team"):
        await key_manager(store, FakeClock()).create(
            SERVICE_ID, {"name": "x", "key_type": "normal"}
        )
    assert store.keys == {}


async def test_keys_of_an_unknown_service_are_not_found(store: FakeDirectoryStore) -> None:
    with pytest.raises(NotifyError) as caught:
        await key_manager(store, FakeClock()).keys("6f1c9d5e-0000-4000-8000-000000000000")
    assert (caught.value.status_code, caught.value.error) == (404, "NoResultFound")


async def test_a_revoked_key_cannot_be_revoked_again(store: FakeDirectoryStore) -> None:
    manager = key_manager(store, FakeClock())
    created = await manager.create(SERVICE_ID, {"name": "k", "key_type": "test"})
    revoked = await manager.revoke(SERVICE_ID, created.key.id)
    assert store.keys[created.key.id].revoked_at == revoked.revoked_at is not None
    with pytest.raises(BadRequestError, match="already revoked"):
        await manager.revoke(SERVICE_ID, created.key.id)
    assert store.event_names(created.key.id) == ["created", "revoked"]


async def test_rotating_keeps_the_old_key_for_the_grace_period_only(
    store: FakeDirectoryStore,
) -> None:
    clock = FakeClock()
    manager = key_manager(store, clock)
    old = await manager.create(SERVICE_ID, {"name": "k", "key_type": "team"})
    new = await manager.rotate(SERVICE_ID, old.key.id, grace_seconds=60)
    assert new.key.id != old.key.id and new.key.name == old.key.name
    kept = store.keys[old.key.id]
    assert kept.revoke_after == clock.now() + timedelta(seconds=60)
    assert not kept.is_revoked(clock.now())
    clock.advance(61)
    assert kept.is_revoked(clock.now())
    assert store.event_names(old.key.id) == ["created", "revoked", "rotated"]
    with pytest.raises(BadRequestError, match="cannot be rotated"):
        await manager.rotate(SERVICE_ID, old.key.id, grace_seconds=0)


async def test_the_last_key_of_a_service_cannot_be_deleted(store: FakeDirectoryStore) -> None:
    manager = key_manager(store, FakeClock())
    first = await manager.create(SERVICE_ID, {"name": "a", "key_type": "test"})
    with pytest.raises(BadRequestError, match="cannot delete the last API key"):
        await manager.delete(SERVICE_ID, first.key.id)
    second = await manager.create(SERVICE_ID, {"name": "b", "key_type": "test"})
    await manager.delete(SERVICE_ID, first.key.id)
    assert list(store.keys) == [second.key.id]
    assert store.event_names(first.key.id) == ["created", "deleted"]


async def test_an_expiry_in_the_past_is_refused(store: FakeDirectoryStore) -> None:
    with pytest.raises(BadRequestError, match="expires_at must be in the future"):
        await key_manager(store, FakeClock()).create(
            SERVICE_ID, {"name": "k", "key_type": "test", "expires_at": "2020-01-01T00:00:00Z"}
        )


def service_admin(store: FakeDirectoryStore, changes: Changes) -> ServiceAdmin:
    return ServiceAdmin(store=store, clock=FakeClock(), default_rate_limit=3000, on_change=changes)


async def test_a_new_service_starts_in_trial_mode_with_the_defaults() -> None:
    store, changes = FakeDirectoryStore(), Changes()
    service = await service_admin(store, changes).create({"name": "New service"})
    assert store.services[service.id] == service
    assert (service.restricted, service.rate_limit) == (True, 3000)
    assert changes.seen == [service.id]


async def test_a_service_id_is_taken_once(store: FakeDirectoryStore) -> None:
    with pytest.raises(BadRequestError, match="already exists"):
        await service_admin(store, Changes()).create({"id": SERVICE_ID, "name": "Again"})
    assert store.services[SERVICE_ID].name == "Trial service"


async def test_an_unknown_service_is_not_found_and_nothing_is_saved() -> None:
    store, changes = FakeDirectoryStore(), Changes()
    with pytest.raises(NotifyError) as caught:
        await service_admin(store, changes).update(SERVICE_ID, {"restricted": False})
    assert caught.value.status_code == 404
    assert (store.services, changes.seen) == ({}, [])
