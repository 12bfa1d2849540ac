"""kill -9 under load, three rounds: every 201 is readable after the restart, each outbox and
webhook hand-off is recorded once, and nothing is handed off twice within its claim lease.

Eight clients send SMS (through a webhook provider) and email (to the outbox) without pause
while the process is killed. RELIABILITY_KILL_ROUNDS sets the rounds (default 3).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path

from notifications_python_client.errors import HTTPError

from tests.integration.lane_support import (
    EMAIL_TEMPLATE,
    SMS_TEMPLATE,
    TEAM_EMAIL,
    TEAM_PHONE,
    WebhookReceiver,
    admin_messages,
    client_for,
    lapse_claim_leases,
    poll_until,
    unique_reference,
    write_config,
)
from tests.sandbox_process import SandboxProcess

ROUNDS = int(os.environ.get("RELIABILITY_KILL_ROUNDS", "3"))
CLIENTS = 8
# the admin messages read below answers at most 1,000 rows: a round stops at its share of
# that, or after a second, whichever comes first (a quiet machine sends more than that)
ROUND_CAP = max(20, 900 // ROUNDS - CLIENTS)


def _load(sandbox: SandboxProcess, reference: str, stop: threading.Event) -> dict[str, str]:
    """Send until `stop` or ROUND_CAP sends; the ids answered 201, with their channel."""
    accepted: dict[str, str] = {}
    lock = threading.Lock()

    def client_loop(n: int) -> None:
        client = client_for(sandbox, "live")
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if (n + i) % 2:
                    sent = client.send_sms_notification(
                        TEAM_PHONE,
                        SMS_TEMPLATE,
                        {"name": "K", "code": str(i)},
                        reference=reference,
                    )
                    channel = "sms"
                else:
                    sent = client.send_email_notification(
                        TEAM_EMAIL,
                        EMAIL_TEMPLATE,
                        {"name": "K", "items": "i", "show": "s"},
                        reference=reference,
                    )
                    channel = "email"
            except (HTTPError, OSError, Exception):  # the kill cuts requests off mid-way
                continue
            with lock:
                accepted[str(sent["id"])] = channel
                if len(accepted) >= ROUND_CAP:
                    stop.set()

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(15)
    return accepted


def test_kill_9_under_load(tmp_path: Path) -> None:
    receiver = WebhookReceiver()
    data_dir = tmp_path / "data"
    reference = unique_reference("kill-9")
    accepted: dict[str, str] = {}
    with receiver.serve() as server:
        config = write_config(
            tmp_path / "sandbox.toml",
            [
                {
                    "name": "hook",
                    "kind": "webhook",
                    "channel": "sms",
                    "priority": 1,
                    "settings": {"url": f"{server.url}/messages", "timeout": 5},
                }
            ],
        )
        sandbox = SandboxProcess(data_dir, env={"SANDBOX_CONFIG": str(config)})
        try:
            for _ in range(ROUNDS):
                sandbox.start()
                # within the lease, a restart must not hand anything off a second time
                handed = Counter(receiver.keys())
                assert max(handed.values(), default=1) == 1, "re-sent within its lease"
                stop = threading.Event()
                timer = threading.Timer(1.0, stop.set)
                timer.start()
                round_accepted = _load(sandbox, reference, stop)
                sandbox.kill()
                assert round_accepted, "no send was accepted in the round"
                accepted.update(round_accepted)
            lapse_claim_leases(data_dir)  # claims cut off by a kill are retried now
            sandbox.start()
            client = client_for(sandbox, "live")

            def stored() -> dict[str, str]:
                found: dict[str, str] = {}
                older = None
                while True:
                    page = client.get_all_notifications(reference=reference, older_than=older)
                    rows = page["notifications"]
                    if not rows:
                        return found
                    found.update({n["id"]: n["status"] for n in rows})
                    older = rows[-1]["id"]

            final = poll_until(
                stored,
                lambda rows: (
                    set(accepted) <= set(rows) and all(s == "delivered" for s in rows.values())
                ),
                timeout=30,
            )[-1]
            assert set(accepted) <= set(final)  # every 201 is readable
            assert len(final) < 1000, "more than one page of messages: shorten the rounds"
            messages = admin_messages(sandbox, limit="1000", reference=reference).json()
            recorded = Counter(m["notification_id"] for m in messages["messages"])
            assert set(recorded) == set(final)
            assert max(recorded.values()) == 1  # each hand-off recorded once
            sms = {nid for nid, channel in accepted.items() if channel == "sms"}
            keys = Counter(receiver.keys())
            assert sms <= set(keys)
            # a second call only for a hand-off cut off by a kill, with the same key
            assert max(keys.values()) <= 2
            print(
                f"\nkill -9: {ROUNDS} rounds, {len(accepted)} sends answered 201, "
                f"{len(final)} stored, {sum(recorded.values())} hand-offs recorded, "
                f"{sum(keys.values()) - len(keys)} webhook retries with the same key, lost 0"
            )
        finally:
            sandbox.stop()
