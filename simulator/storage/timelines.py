"""Timelines stored once (issue 16): their visible status, derived in SQL when read.

A row with ``in_flight_status`` set holds a whole simulated timeline written at send
time: ``sent_at`` is the planned hand-off, ``updated_at`` the planned completion,
``planned_status`` the final status. Read at ``:now`` it shows ``created`` before the
hand-off, ``in_flight_status`` until the completion, then the final status, with
``sent_at`` and ``updated_at`` (so ``completed_at``) only once they have happened, just
as if the worker had written each step. Every read of a notification selects these
expressions instead of the raw columns, so GET, lists, status filters, inspection and
job statistics all see one status. Rows without ``in_flight_status`` show what is stored.

Two events turn such rows back into rows the worker steps (programs below):
- a delivery-status callback is set for the service: the steps still to come owe it;
- the clock moves back: what had already happened by the old time must not be undone.
"""

from __future__ import annotations

from simulator.storage.rows import NOTIFICATION_COLUMNS, names
from simulator.storage.sql import Program, execute

__all__ = ["freeze_rewound", "read_columns", "visible_status", "work_stepwise"]


def visible_status(p: str = "") -> str:
    """The status a reader sees at ``:now``; ``p`` is a table prefix such as ``n.``."""
    return (
        f"CASE WHEN {p}in_flight_status IS NULL THEN {p}status "
        f"WHEN {p}updated_at <= :now THEN {p}planned_status "
        f"WHEN {p}sent_at <= :now THEN {p}in_flight_status ELSE {p}status END"
    )


def _visible(p: str) -> dict[str, str]:
    planned = f"{p}in_flight_status IS NOT NULL"
    return {
        "status": visible_status(p),
        "sent_at": f"CASE WHEN NOT ({planned}) OR {p}sent_at <= :now THEN {p}sent_at END",
        "updated_at": (
            f"CASE WHEN NOT ({planned}) OR {p}updated_at <= :now THEN {p}updated_at "
            f"WHEN {p}sent_at <= :now THEN {p}sent_at END"
        ),
    }


def read_columns(p: str = "") -> str:
    """NOTIFICATION_COLUMNS as a reader at ``:now`` sees them (same order, same width)."""
    derived = _visible(p)
    return ", ".join(derived.get(name, f"{p}{name}") for name in names(NOTIFICATION_COLUMNS))


# the steps still to come, for the worker: in flight already, or not yet handed off
_WORK_STEPWISE = (
    "UPDATE notifications SET "
    "status = CASE WHEN sent_at <= :now THEN in_flight_status ELSE status END, "
    "next_action_at = CASE WHEN sent_at <= :now THEN updated_at ELSE sent_at END, "
    "updated_at = CASE WHEN sent_at <= :now THEN sent_at END, "
    "sent_at = CASE WHEN sent_at <= :now THEN sent_at END, "
    "in_flight_status = NULL "
    "WHERE service_id = :service_id AND key_type = 'test' AND created_at >= :since "
    "AND in_flight_status IS NOT NULL AND updated_at > :now"
)

# what had happened by :before, kept: finished rows stored final, rows in flight then
# handed to the worker for their last step
_FREEZE = (
    "UPDATE notifications SET "
    "status = CASE WHEN updated_at <= :before THEN planned_status ELSE in_flight_status END, "
    "next_action_at = CASE WHEN updated_at <= :before THEN NULL ELSE updated_at END, "
    "updated_at = CASE WHEN updated_at <= :before THEN updated_at ELSE sent_at END, "
    "in_flight_status = NULL "
    "WHERE created_at >= :since AND in_flight_status IS NOT NULL AND sent_at <= :before "
    "AND (sent_at > :after OR (updated_at > :after AND updated_at <= :before))"
)


def work_stepwise(service_id: str, now: int | None, since: int | None) -> Program[int]:
    """The service's timelines stored once that have steps to come (created from
    ``since`` on), as rows the worker steps from ``now``; how many."""
    changed: int = yield execute(
        _WORK_STEPWISE, {"service_id": service_id, "now": now, "since": since}
    )
    return changed


def freeze_rewound(before: int | None, after: int | None, since: int | None) -> Program[int]:
    """The clock went back from ``before`` to ``after``: rows that changed in between
    keep the state they had at ``before``; how many."""
    changed: int = yield execute(_FREEZE, {"before": before, "after": after, "since": since})
    return changed
