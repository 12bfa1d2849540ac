"""Notification ids are random version-4 UUIDs, as Notify's are."""

from __future__ import annotations

import uuid

from simulator.domain.ids import RandomIds


def test_ids_are_distinct_uuid4_strings_across_buffer_refills() -> None:
    ids = RandomIds()
    drawn = [ids() for _ in range(1000)]

    assert len(set(drawn)) == 1000
    for value in drawn:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == value
