"""Scenario 7's keys: many services, several test keys each, and a new JWT on every request.

The sandbox caches a verified token for up to 2 s, so scenario 1's tokens (one per
second per key) are nearly all cache hits. Here every token carries a `jti` no other
request used, and the requests are spread over SERVICES x KEYS_PER_SERVICE keys, so each
request pays the whole new-token path: decode, find the service, try its keys in
order, verify the signature, check the key.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from bench.load import ApiKey

__all__ = ["KEYS_PER_SERVICE", "SERVICES", "key_for", "write_fixtures"]

SERVICES = 100
KEYS_PER_SERVICE = 5
_NAMESPACE = uuid.UUID("1b3e0c2a-6d7f-4e8a-9b0c-2d4e6f8a0b1c")


def _id(kind: str, *parts: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}-{'-'.join(map(str, parts))}"))


def _template_id(service: int) -> str:
    return _id("template", service)


def _keys() -> list[tuple[int, ApiKey]]:
    return [
        (s, ApiKey(_id("service", s), _id("secret", s, k)))
        for s in range(SERVICES)
        for k in range(KEYS_PER_SERVICE)
    ]


_ALL = _keys()


def write_fixtures(path: Path) -> Path:
    """A fixtures file (JSON is YAML) with the services, keys and one SMS template each."""
    services = [
        {
            "id": _id("service", s),
            "name": f"Bench many keys {s:03d}",
            "restricted": False,
            "email_sender_local_part": f"bench.keys.{s:03d}",
            "rate_limit": 1_000_000,  # the most a service may have; beyond any one core
            "limits": {"sms": 1_000_000_000, "email": 1_000_000_000},
            "permissions": ["sms", "email"],
            "api_keys": [
                {"name": f"k{k}", "key_type": "test", "secret": _id("secret", s, k)}
                for k in range(KEYS_PER_SERVICE)
            ],
            "templates": [
                {
                    "id": _template_id(s),
                    "type": "sms",
                    "name": "Bench SMS",
                    "body": "Hello ((name)), your code is ((code)).",
                }
            ],
        }
        for s in range(SERVICES)
    ]
    path.write_text(json.dumps({"services": services}, indent=1))
    return path


def key_for(index: int) -> tuple[ApiKey, str]:
    """(key, its service's SMS template id) for request `index`."""
    # a stride co-prime with the key count: neighbouring requests use different services
    service, key = _ALL[(index * 7919) % len(_ALL)]
    return key, _template_id(service)
