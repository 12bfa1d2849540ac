"""`notify-sandbox services|keys|team|guest-list ...`: the admin API from a terminal."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from simulator.admin_client import AdminClient, AdminError
from simulator.config import Config
from simulator.data_dir import ADMIN_TOKEN_FILE, read_admin_token

__all__ = ["add_admin_commands", "run_admin_command"]

Handler = Callable[[AdminClient, argparse.Namespace], Any]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="sandbox URL (SANDBOX_URL, default http://127.0.0.1:6011)")
    parser.add_argument(
        "--admin-token",
        help="admin token (SANDBOX_ADMIN_TOKEN; default: the one `serve` kept in the data dir)",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="where `serve` kept its admin token (SANDBOX_DATA_DIR)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


# a string: the class takes no type arguments at run time
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_admin_commands(commands: Commands) -> None:
    _services(commands.add_parser("services", help="list, create and change services"))
    _keys(commands.add_parser("keys", help="create, list, revoke, delete and rotate API keys"))
    _members(commands.add_parser("team", help="a service's team members"), "team")
    _members(commands.add_parser("guest-list", help="a service's guest list"), "guest-list")


def _sub(group: Commands, name: str, handler: Handler, **kw: Any) -> argparse.ArgumentParser:
    child = group.add_parser(name, **kw)
    _common(child)
    child.set_defaults(handler=handler)
    return child


def _group(parser: argparse.ArgumentParser) -> Commands:
    return parser.add_subparsers(dest="action", required=True)


def _services(parser: argparse.ArgumentParser) -> None:
    group = _group(parser)
    _sub(group, "list", lambda c, a: c.request("GET", "/services"))
    create = _sub(
        group,
        "create",
        lambda c, a: c.request(
            "POST",
            "/services",
            _compact({"name": a.name, "id": a.id, "email_sender_local_part": a.email_sender}),
        ),
    )
    create.add_argument("name")
    create.add_argument("--id")
    create.add_argument("--email-sender")
    for name, live in (("go-live", False), ("trial", True)):
        cmd = _sub(group, name, _mode_handler(live))
        cmd.add_argument("service_id", type=_uuid("service id"))
    update = _sub(
        group,
        "update",
        lambda c, a: c.request("PATCH", f"/services/{a.service_id}", json.loads(a.settings)),
    )
    update.add_argument("service_id", type=_uuid("service id"))
    update.add_argument("settings", help="JSON, e.g. '{\"rate_limit\": 100}'")


def _mode_handler(restricted: bool) -> Handler:
    return lambda c, a: c.request("PATCH", f"/services/{a.service_id}", {"restricted": restricted})


def _keys(parser: argparse.ArgumentParser) -> None:
    group = _group(parser)
    base = "/services/{}/api-keys"
    listing = _sub(group, "list", lambda c, a: c.request("GET", base.format(a.service_id)))
    listing.add_argument("service_id", type=_uuid("service id"))
    create = _sub(group, "create", _create_key)
    create.add_argument("service_id", type=_uuid("service id"))
    create.add_argument("name")
    create.add_argument("--type", choices=["test", "team", "normal"], default="test")
    create.add_argument("--permission", action="append", help="repeatable; default all")
    create.add_argument("--expires-at", help="ISO 8601, e.g. 2030-01-01T00:00:00Z")
    create.add_argument("--description")
    create.add_argument("--tier", choices=["free", "standard", "premium"])
    for name, method, suffix in (
        ("revoke", "POST", "/revoke"),
        ("delete", "DELETE", ""),
        ("show", "GET", ""),
        ("activity", "GET", "/activity"),
    ):
        cmd = _sub(group, name, _key_handler(method, suffix))
        cmd.add_argument("service_id", type=_uuid("service id"))
        cmd.add_argument("key_id", type=_uuid("key id"))
    rotate = _sub(group, "rotate", _rotate)
    rotate.add_argument("service_id", type=_uuid("service id"))
    rotate.add_argument("key_id", type=_uuid("key id"))
    rotate.add_argument("--grace", type=int, default=0, help="seconds the old key keeps working")


def _create_key(client: AdminClient, args: argparse.Namespace) -> Any:
    values = {
        "name": args.name,
        "key_type": args.type,
        "permissions": args.permission,
        "expires_at": args.expires_at,
        "description": args.description,
        "tier": args.tier,
    }
    try:
        return client.request("POST", f"/services/{args.service_id}/api-keys", _compact(values))
    except AdminError as error:
        if args.type == "normal" and str(error).startswith("A service in trial mode"):
            hint = f"notify-sandbox services go-live {args.service_id}"
            raise AdminError(error.status, f"{error} (on the command line: {hint})") from None
        raise


def _uuid(what: str) -> Callable[[str], str]:
    """An argparse type: a malformed id is refused before anything is asked of the server."""

    def checked(value: str) -> str:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{value!r} is malformed: a {what} is a UUID such as "
                "5e6a8f3c-6b1d-4a3e-9c57-2f0d8b6c1a01"
            ) from None

    checked.__name__ = what  # argparse names the type in some messages
    return checked


def _rotate(client: AdminClient, args: argparse.Namespace) -> Any:
    path = f"/services/{args.service_id}/api-keys/{args.key_id}"
    result = client.request("POST", f"{path}/rotate", {"grace_seconds": args.grace})
    # the old key as it stands now: revoked, or revoked once the grace period ends
    result["replaced"] = client.request("GET", path)["data"]
    return result


def _key_handler(method: str, suffix: str) -> Handler:
    return lambda c, a: c.request(method, f"/services/{a.service_id}/api-keys/{a.key_id}{suffix}")


def _members(parser: argparse.ArgumentParser, kind: str) -> None:
    group = _group(parser)
    path = "/services/{}/" + kind
    listing = _sub(group, "list", lambda c, a: c.request("GET", path.format(a.service_id)))
    listing.add_argument("service_id", type=_uuid("service id"))
    if kind == "team":
        add = _sub(
            group,
            "add",
            lambda c, a: c.request(
                "POST",
                path.format(a.service_id),
                _compact({"name": a.name, "email_address": a.email, "mobile_number": a.mobile}),
            ),
        )
        add.add_argument("service_id", type=_uuid("service id"))
        add.add_argument("name")
        add.add_argument("email")
        add.add_argument("--mobile")
        password = _sub(group, "set-password", _set_password)
        password.add_argument("service_id", type=_uuid("service id"))
        password.add_argument("email")
    else:
        add = _sub(
            group,
            "add",
            lambda c, a: c.request("POST", path.format(a.service_id), {"recipient": a.recipient}),
        )
        add.add_argument("service_id", type=_uuid("service id"))
        add.add_argument("recipient")
    remove = _sub(
        group,
        "remove",
        lambda c, a: c.request("DELETE", f"{path.format(a.service_id)}/{a.recipient}"),
    )
    remove.add_argument("service_id", type=_uuid("service id"))
    remove.add_argument("recipient", help="email address or phone number")


def _set_password(client: AdminClient, args: argparse.Namespace) -> Any:
    """The dashboard password, asked for at the terminal or read from standard input."""
    if sys.stdin.isatty():
        password = getpass.getpass("New dashboard password: ")
        if getpass.getpass("Again: ") != password:
            raise AdminError(0, "the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    path = f"/services/{args.service_id}/team/{args.email}/password"
    client.request("PUT", path, {"password": password})
    return {"password_set": args.email}


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def run_admin_command(args: argparse.Namespace, env: dict[str, str]) -> int:
    url = args.url or env.get("SANDBOX_URL") or "http://127.0.0.1:6011"
    data_dir = args.data_dir or Path(env.get("SANDBOX_DATA_DIR") or Config().data_dir)
    token = args.admin_token or env.get("SANDBOX_ADMIN_TOKEN") or read_admin_token(data_dir)
    if not token:
        print(
            f"notify-sandbox: no admin token: none kept in {data_dir / ADMIN_TOKEN_FILE}; "
            "give --admin-token, set SANDBOX_ADMIN_TOKEN or point --data-dir at the server's",
            file=sys.stderr,
        )
        return 2
    client = AdminClient(url, token)
    try:
        result = args.handler(client, args)
    except AdminError as error:
        print(f"notify-sandbox: {error}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as error:
        print(f"notify-sandbox: settings are not valid JSON: {error}", file=sys.stderr)
        return 2
    finally:
        client.close()
    print(json.dumps(result, indent=2) if args.json else _human(result))
    return 0


def _human(result: Any) -> str:
    if result is None:
        return "done"
    if not isinstance(result, dict):
        return json.dumps(result, indent=2)
    if "password_set" in result:
        return f"password set for {result['password_set']}"
    if "api_keys" in result:
        return "\n".join(_key_line(k) for k in result["api_keys"]) or "no keys"
    if "services" in result:
        return "\n".join(_service_line(s) for s in result["services"]) or "no services"
    if "team" in result:
        return "\n".join(_member_line(m) for m in result["team"]) or "no team members"
    if "guest_list" in result:
        return "\n".join(result["guest_list"]) or "the guest list is empty"
    if "activity" in result:
        return _activity(result)
    data = result.get("data", result)
    if isinstance(data, dict) and "key" in data:
        lines = [_key_line(data)]
        replaced = result.get("replaced")
        if isinstance(replaced, dict):
            old = f"{replaced.get('name', '')} ({replaced['id']})".strip()
            when = replaced.get("revoke_after") or replaced.get("revoked_at")
            if replaced.get("status") == "revoked":
                lines.append(f"Retired {old}: revoked now, at {when}")
            else:
                lines.append(f"Retiring {old}: it keeps working until {when}")
        lines.append(f"\nKey (shown once, store it safely now):\n{data['key']}")
        return "\n".join(lines)
    if isinstance(data, dict) and "key_type" in data:
        return _key_line(data)
    if isinstance(data, dict) and "mode" in data:
        return _service_line(data)
    return json.dumps(result, indent=2)


def _key_line(k: dict[str, Any]) -> str:
    used = k.get("last_used_at") or "never used"
    return f"{k['id']}  {k['key_type']:<6}  {k['status']:<7}  {k['name']}  (last used: {used})"


def _service_line(s: dict[str, Any]) -> str:
    return f"{s['id']}  {s['mode']:<5}  {s['name']}"


def _member_line(m: dict[str, Any]) -> str:
    return f"{m['email_address']}  {m.get('mobile_number') or '-'}  {m['name']}"


def _activity(result: dict[str, Any]) -> str:
    usage = result.get("usage") or {}
    sends = usage.get("sends") or {}
    lines = [
        f"requests: {usage.get('request_count', 0)}  "
        f"sms: {sends.get('sms', 0)}  email: {sends.get('email', 0)}  "
        f"last used: {usage.get('last_used_at') or 'never used'}"
    ]
    for event in result["activity"]:
        detail = f"  {event['detail']}" if event.get("detail") else ""
        lines.append(f"{event['at']}  {event['event']}{detail}")
    return "\n".join(lines)
