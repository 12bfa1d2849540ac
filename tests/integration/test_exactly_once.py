"""SIGKILL the sandbox while notifications are in flight; after a restart each one is
delivered and recorded exactly once (issue 3: "a restart ... must never send it twice").

The worker claims a notification with a lease before calling a provider. The lease is
120 s and cannot be set from the config yet, so after the kill the tests make the leases
lapse in the database (`lapse_claim_leases`) instead of waiting two minutes.

Last, two sandboxes share one database, as two replicas would: their workers race for the
same due notifications, and the claim's compare-and-set lets exactly one of them send.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.integration.lane_support import (
    SMS_TEMPLATE,
    TEAM_PHONE,
    WebhookReceiver,
    admin_messages,
    client_for,
    lapse_claim_leases,
    poll_until,
    status_history,
    unique_reference,
    wait_for_messages,
    worker_has_polled,
    write_config,
)
from tests.sandbox_process import SandboxProcess


def test_killed_mid_hand_off_is_resent_with_the_same_key_and_recorded_once(
    tmp_path: Path,
) -> None:
    hold = threading.Event()
    receiver = WebhookReceiver(hold=hold)  # idempotent: same key, same answer
    data_dir = tmp_path / "data"
    with receiver.serve() as server:
        config = write_config(
            tmp_path / "sandbox.toml",
            [
                {
                    "name": "held",
                    "kind": "webhook",
                    "channel": "sms",
                    "priority": 1,
                    "settings": {"url": f"{server.url}/messages", "timeout": 30},
                }
            ],
        )
        sandbox = SandboxProcess(data_dir, env={"SANDBOX_CONFIG": str(config)})
        try:
            sandbox.start()
            client = client_for(sandbox, "live")
            reference = unique_reference("exactly-once-webhook")
            sent = client.send_sms_notification(
                TEAM_PHONE, SMS_TEMPLATE, {"name": "Ki", "code": "1"}, reference=reference
            )
            assert receiver.arrived.wait(8), "the provider was never called"
            # the provider holds the request: not handed off yet
            assert client.get_notification_by_id(sent["id"])["status"] == "created"

            sandbox.kill()

            # a restart while the claim is still leased must not send it again
            sandbox.start()
            worker_has_polled(sandbox)
            assert receiver.keys() == [sent["id"]]
            assert client_for(sandbox, "live").get_notification_by_id(sent["id"])["status"] == (
                "created"
            )
            sandbox.kill()

            hold.set()  # from now on the provider answers at once
            assert lapse_claim_leases(data_dir) == 1
            sandbox.start()
            client = client_for(sandbox, "live")

            assert status_history(client, sent["id"])[-1] == "delivered"
            [message] = wait_for_messages(sandbox, 1, reference=reference)
            assert message["notification_id"] == sent["id"]
            assert message["provider"] == "held"
            worker_has_polled(sandbox)  # a re-claim would have been handed off by now
            assert receiver.keys() == [sent["id"], sent["id"]]
            everything = admin_messages(sandbox, limit="1000").json()["messages"]
            assert [m["notification_id"] for m in everything].count(sent["id"]) == 1
        finally:
            hold.set()
            sandbox.stop()


def test_killed_with_many_in_flight_each_is_delivered_and_recorded_once(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    # a long `sending` phase, so plenty are mid-timeline when the process dies
    sandbox = SandboxProcess(data_dir, env={"SANDBOX_SIM_DELIVERY_DELAY": "1.0"})
    reference = unique_reference("exactly-once-outbox")
    total = 60
    try:
        sandbox.start()
        client = client_for(sandbox, "live")

        def send(n: int) -> str:
            personalisation = {"name": f"N{n}", "code": str(n)}
            return str(
                client.send_sms_notification(
                    TEAM_PHONE, SMS_TEMPLATE, personalisation, reference=reference
                )["id"]
            )

        with ThreadPoolExecutor(8) as pool:
            ids = set(pool.map(send, range(total)))
        sandbox.kill()  # every one of them was answered 201, so each is durable

        assert len(ids) == total
        lapse_claim_leases(data_dir)
        sandbox.start()
        client = client_for(sandbox, "live")

        def statuses() -> Counter[str]:
            found = client.get_all_notifications(reference=reference)["notifications"]
            assert {n["id"] for n in found} == ids
            return Counter(n["status"] for n in found)

        seen = poll_until(statuses, lambda counts: counts == {"delivered": total}, timeout=10)
        assert seen[0] != {"delivered": total}, "nothing was in flight at the kill"
        messages = wait_for_messages(sandbox, total, reference=reference)
        recorded = [m["notification_id"] for m in messages]
        assert sorted(recorded) == sorted(ids)  # every one, none twice
        assert {m["provider"] for m in messages} == {"outbox"}
    finally:
        sandbox.stop()


def test_two_sandboxes_on_one_database_never_send_twice(tmp_path: Path) -> None:
    """Two replicas share the SQLite file; both workers see every due notification."""
    receiver = WebhookReceiver()
    data_dir = tmp_path / "data"
    reference = unique_reference("two-workers")
    total = 40
    with receiver.serve() as server:
        config = write_config(
            tmp_path / "sandbox.toml",
            [
                {
                    "name": "counted",
                    "kind": "webhook",
                    "channel": "sms",
                    "priority": 1,
                    "settings": {"url": f"{server.url}/messages"},
                }
            ],
        )
        env = {"SANDBOX_CONFIG": str(config), "SANDBOX_WORKER_POLL_SECONDS": "0.02"}
        first = SandboxProcess(data_dir, env=env)
        second = SandboxProcess(data_dir, env=env)
        try:
            first.start()
            second.start()
            clients = [client_for(first, "live"), client_for(second, "live")]

            def send(n: int) -> str:
                personalisation = {"name": f"W{n}", "code": str(n)}
                client = clients[n % 2]
                return str(
                    client.send_sms_notification(
                        TEAM_PHONE, SMS_TEMPLATE, personalisation, reference=reference
                    )["id"]
                )

            with ThreadPoolExecutor(8) as pool:
                ids = set(pool.map(send, range(total)))

            messages = wait_for_messages(first, total, reference=reference)
            assert sorted(m["notification_id"] for m in messages) == sorted(ids)
            # one more hand-off through each replica, recorded after everything before it:
            # any duplicate hand-off of the batch would have reached the receiver by then
            after = unique_reference("two-workers-after")
            controls = {
                str(
                    c.send_sms_notification(
                        TEAM_PHONE, SMS_TEMPLATE, {"name": "Z", "code": "0"}, reference=after
                    )["id"]
                )
                for c in clients
            }
            wait_for_messages(first, len(controls), reference=after)
            handed_off = receiver.keys()
            calls = Counter(k for k in handed_off if k not in controls)
            assert set(calls) == ids
            assert set(calls.values()) == {1}, {k: v for k, v in calls.items() if v > 1}
        finally:
            first.stop()
            second.stop()
