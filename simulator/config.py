"""Every setting, declared once, read from the environment and an optional TOML file.

No other module reads ``os.environ``. Each ``SANDBOX_*`` variable is documented
next to its field; ``Config.from_env`` validates everything at start-up.
"""

from __future__ import annotations

import ipaddress
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import email_validator

from simulator.did_you_mean import closest, unknown_name_message

__all__ = [
    "PROFILES",
    "Config",
    "ConfigError",
    "ProviderSettings",
    "SimulatorTiming",
    "unknown_variables",
]

PROFILES = ("uk", "ca")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SimulatorTiming:
    # SANDBOX_SIM_SENDING_DELAY: seconds from `created` to `sending` for test keys
    sending_delay: float = 1.0
    # SANDBOX_SIM_DELIVERY_DELAY: seconds from `sending` to the final status
    delivery_delay: float = 2.0

    @property
    def immediate(self) -> bool:
        return self.sending_delay == 0 and self.delivery_delay == 0


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    name: str
    kind: str
    channel: str
    priority: int
    settings: Mapping[str, Any] = field(repr=False)  # may hold passwords and tokens


@dataclass(frozen=True, slots=True)
class Config:
    # SANDBOX_HOST / SANDBOX_PORT: where to listen
    host: str = "127.0.0.1"
    port: int = 6011
    # SANDBOX_DATA_DIR: the SQLite file and the master key file live here
    data_dir: Path = Path(".sandbox")
    # SANDBOX_FIXTURES: comma-separated fixture files; empty means the profile's default
    # (simulator/data/fixtures/default.yaml, or default_ca.yaml for ca)
    fixtures: tuple[Path, ...] = ()
    # SANDBOX_PROFILE: uk (GOV.UK Notify) or ca (GC Notify, Canada's fork)
    profile: str = "uk"
    # SANDBOX_ADMIN_TOKEN: bearer token for /sandbox/v1; generated and printed when unset
    admin_token: str | None = field(default=None, repr=False)
    # SANDBOX_SECRET_KEY: master key for API key secrets at rest; else a 0600 file in data_dir
    secret_key: str | None = field(default=None, repr=False)
    # SANDBOX_SQLITE_SYNCHRONOUS: NORMAL survives a process crash; FULL also a power cut
    sqlite_synchronous: str = "NORMAL"
    # SANDBOX_DATABASE_URL: sqlite:// (default: sandbox.db in data_dir, or sqlite:///path)
    # or postgresql://user:password@host/db, one database shared by several replicas
    # (they must then share SANDBOX_SECRET_KEY too)
    database_url: str | None = field(default=None, repr=False)
    timing: SimulatorTiming = field(default_factory=SimulatorTiming)
    # SANDBOX_LOG_FORMAT: console or json; SANDBOX_LOG_LEVEL: debug, info, warning
    log_format: str = "console"
    log_level: str = "info"
    # SANDBOX_EMAIL_DOMAIN: the domain of from_email (default: the profile's)
    email_domain: str | None = None
    # SANDBOX_RETENTION_SWEEP_SECONDS: how often expired notifications are removed
    retention_sweep_seconds: float = 3600.0
    # SANDBOX_WORKER_POLL_SECONDS: how often the worker looks for due work from other replicas
    worker_poll_seconds: float = 0.5
    # SANDBOX_USAGE_FLUSH_SECONDS: how often key usage and day counters are written down
    usage_flush_seconds: float = 2.0
    # SANDBOX_DISPATCH_ATTEMPTS / SANDBOX_DISPATCH_BASE_DELAY: provider retries per provider
    dispatch_attempts: int = 3
    dispatch_base_delay: float = 0.5
    # SANDBOX_AUTH_SCHEMES: extra auth schemes beside JWT, comma-separated, from
    # apikey-v1 (GC's "ApiKey-v1 <key>"), bearer-key ("Bearer <key>"), basic, query (?api_key=)
    auth_schemes: tuple[str, ...] = ()
    # SANDBOX_REDIS_URL: share rate limits and allowances across processes through Redis
    redis_url: str | None = None
    # SANDBOX_REDIS_FAIL_CLOSED: refuse sends (503) when Redis is down, instead of allowing them
    redis_fail_closed: bool = False
    # SANDBOX_STRICT: Notify's exact responses, without the sandbox's RateLimit-* headers
    strict: bool = False
    # SANDBOX_CALLBACK_RETRY_SCHEDULE: seconds between callback retries (Notify: 5 x 300)
    callback_retry_schedule: tuple[float, ...] = (5.0, 15.0, 30.0, 60.0, 120.0)
    # SANDBOX_CALLBACK_TIMEOUT_SECONDS: how long a callback receiver may take (Notify: 5)
    callback_timeout_seconds: float = 5.0
    # SANDBOX_CALLBACKS_ALLOW_HTTP: accept http:// callback URLs (local use); Notify needs https
    callbacks_allow_http: bool = False
    # SANDBOX_CALLBACKS_ALLOW_PRIVATE: allow every address, loopback, private, link-local and
    # metadata ones included (the SSRF guard off)
    callbacks_allow_private: bool = False
    # SANDBOX_CALLBACKS_ALLOW_ADDRESSES: addresses or networks a callback may reach although
    # the guard refuses them, comma-separated; "127.0.0.1" lets receivers on this machine in
    callbacks_allow_addresses: tuple[str, ...] = ()
    # SANDBOX_ADMIN_CORS_ORIGINS: web origins allowed to call /sandbox/v1 from a browser,
    # comma-separated; none by default, so no page a user visits can drive the admin API
    admin_cors_origins: tuple[str, ...] = ()
    # SANDBOX_HEADER_TIMEOUT_SECONDS / SANDBOX_BODY_TIMEOUT_SECONDS: how long a client may take
    # to send its request headers / its whole body before the connection is closed (408)
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0
    # SANDBOX_MAX_CONNECTIONS: open connections served at once; more wait to be accepted
    max_connections: int = 1000
    # SANDBOX_CLAIM_LEASE_SECONDS: how long a worker holds a notification it is handing over
    # (the lease is stretched to the provider chain's worst case when that is longer)
    claim_lease_seconds: float = 120.0
    # SANDBOX_LETTER_PDF_DELAY: seconds before a templated letter's PDF can be fetched
    letter_pdf_delay: float = 2.0
    # SANDBOX_LETTER_DELIVERY_DELAY: seconds a team or live letter shows `accepted` at the
    # print outbox before `received`
    letter_delivery_delay: float = 5.0
    # SANDBOX_PUBLIC_BASE_URL: where users reach this sandbox (send-a-file download links);
    # default http://<host>:<port>
    public_base_url: str | None = None
    # SANDBOX_CONFIG: a TOML file with [[providers]] tables (and any setting above);
    # SANDBOX_PROVIDERS: the same list as JSON
    providers: tuple[ProviderSettings, ...] = ()

    @property
    def public_url(self) -> str:
        """Where users reach this sandbox: public_base_url, else this host and port."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::", ""} else self.host
        return f"http://{host}:{self.port}"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sandbox.db"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        values: dict[str, Any] = {}
        config_file = env.get("SANDBOX_CONFIG")
        if config_file:
            values.update(_checked_file_settings(Path(config_file), _read_toml(Path(config_file))))
        values.update(_env_values(env))
        return cls.build(values)

    @classmethod
    def build(cls, values: Mapping[str, Any]) -> Config:
        timing = SimulatorTiming(
            sending_delay=_non_negative(values, "sim_sending_delay", 1.0),
            delivery_delay=_non_negative(values, "sim_delivery_delay", 2.0),
        )
        known = {k: v for k, v in values.items() if k in _SIMPLE_FIELDS}
        providers = _with_env_secrets(_providers(values.get("providers", ())), values)
        config = cls(timing=timing, providers=providers)
        config = replace(config, **{k: _coerce(k, v) for k, v in known.items()})
        config.validate()
        return config

    def validate(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be 1-65535, got {self.port}")
        if self.profile not in PROFILES:
            raise ConfigError(
                f"unknown profile {self.profile!r} (available: {', '.join(PROFILES)})"
            )
        if self.log_format not in {"console", "json"}:
            raise ConfigError("log_format must be console or json")
        if self.sqlite_synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ConfigError("sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA")
        unknown = sorted(set(self.auth_schemes) - _AUTH_SCHEMES)
        if unknown:
            raise ConfigError(
                f"unknown auth scheme(s) {', '.join(unknown)}; use {sorted(_AUTH_SCHEMES)}"
            )
        scheme = (self.database_url or "sqlite:").split(":", 1)[0].lower()
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ConfigError("database_url must start with sqlite:// or postgresql://")
        if scheme != "sqlite" and not self.secret_key:
            raise ConfigError("a shared database_url needs secret_key, the same on every replica")
        if self.email_domain is not None:
            _check_email_domain(self.email_domain)
        if self.dispatch_attempts < 1:
            raise ConfigError("dispatch_attempts must be at least 1")
        if self.max_connections < 1:
            raise ConfigError("max_connections must be at least 1")
        if self.header_timeout_seconds <= 0 or self.body_timeout_seconds <= 0:
            raise ConfigError("header_timeout_seconds and body_timeout_seconds must be positive")
        for address in self.callbacks_allow_addresses:
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError as error:
                raise ConfigError(
                    f"callbacks_allow_addresses: {address!r} is not an address"
                ) from error
        if self.public_base_url and not self.public_base_url.lower().startswith(
            ("http://", "https://")
        ):
            raise ConfigError("public_base_url must start with http:// or https://")
        if self.letter_pdf_delay < 0 or self.letter_delivery_delay < 0:
            raise ConfigError("letter delays must not be negative")

    def with_overrides(self, **overrides: Any) -> Config:
        clean = {k: _coerce(k, v) for k, v in overrides.items() if v is not None}
        config = replace(self, **clean)
        config.validate()
        return config


_SIMPLE_FIELDS = {
    "host": str,
    "port": int,
    "data_dir": Path,
    "profile": str,
    "admin_token": str,
    "secret_key": str,
    "sqlite_synchronous": str,
    "database_url": str,
    "log_format": str,
    "log_level": str,
    "email_domain": str,
    "retention_sweep_seconds": float,
    "worker_poll_seconds": float,
    "usage_flush_seconds": float,
    "letter_pdf_delay": float,
    "letter_delivery_delay": float,
    "public_base_url": str,
    "dispatch_attempts": int,
    "dispatch_base_delay": float,
    "fixtures": tuple,
    "auth_schemes": tuple,
    "redis_url": str,
    "redis_fail_closed": bool,
    "strict": bool,
    "callback_retry_schedule": tuple,
    "callback_timeout_seconds": float,
    "claim_lease_seconds": float,
    "callbacks_allow_http": bool,
    "callbacks_allow_private": bool,
    "callbacks_allow_addresses": tuple,
    "admin_cors_origins": tuple,
    "header_timeout_seconds": float,
    "body_timeout_seconds": float,
    "max_connections": int,
}
_AUTH_SCHEMES = {"apikey-v1", "bearer-key", "basic", "query"}
# every key a --config file may have (and, upper-cased after SANDBOX_, every variable)
_FILE_SETTINGS = frozenset(_SIMPLE_FIELDS) | {
    "sim_sending_delay",
    "sim_delivery_delay",
    "providers",
}
_PROVIDER_FIELDS = frozenset({"name", "kind", "channel", "priority", "settings"})
# variables that are not settings: the admin commands' URL, the providers' lists and secrets,
# and the project's own test and benchmark tools
_OTHER_VARIABLES = frozenset({"SANDBOX_CONFIG", "SANDBOX_PROVIDERS", "SANDBOX_URL"})
_OTHER_PREFIXES = ("SANDBOX_PROVIDER_", "SANDBOX_TEST_", "SANDBOX_BENCH_")


def unknown_variables(env: Mapping[str, str]) -> list[str]:
    """A warning for each SANDBOX_* variable the sandbox does not read (a typo, most likely)."""
    known = {f"SANDBOX_{name.upper()}" for name in _FILE_SETTINGS - {"providers"}}
    known |= _OTHER_VARIABLES
    return [
        f"{name} is not a setting and is ignored"
        + (f" (did you mean {near}?)" if (near := closest(name, known)) else "")
        for name in sorted(env)
        if name.startswith("SANDBOX_")
        and name not in known
        and not name.startswith(_OTHER_PREFIXES)
    ]


def _checked_file_settings(path: Path, values: dict[str, Any]) -> dict[str, Any]:
    for key in values:
        if key not in _FILE_SETTINGS:
            message = unknown_name_message("setting", key, _FILE_SETTINGS)
            raise ConfigError(f"config file {path}: {message}")
    return values


def _coerce(name: str, value: Any) -> Any:
    if name == "callback_retry_schedule":
        items = value.split(",") if isinstance(value, str) else value
        try:
            schedule = tuple(float(str(item).strip()) for item in items if str(item).strip())
        except ValueError as error:
            raise ConfigError(f"{name}: a comma-separated list of seconds") from error
        if any(delay < 0 for delay in schedule):
            raise ConfigError(f"{name}: delays must not be negative")
        return schedule
    if name == "auth_schemes":
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip().lower() for item in items if str(item).strip())
    if name in {"callbacks_allow_addresses", "admin_cors_origins"}:
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip() for item in items if str(item).strip())
    if name == "fixtures":
        items = value.split(",") if isinstance(value, str) else value
        return tuple(Path(str(item).strip()) for item in items if str(item).strip())
    kind = _SIMPLE_FIELDS.get(name)
    if kind is None or isinstance(value, kind):
        return value
    if kind is bool:
        text = str(value).strip().lower()
        if text not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise ConfigError(f"{name}: cannot read {value!r} as true or false")
        return text in {"1", "true", "yes", "on"}
    try:
        coerced = kind(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{name}: cannot read {value!r} as {_wanted(name, kind)}") from error
    if name == "port" and not 0 < coerced < 65536:
        raise ConfigError(f"{name}: cannot read {value!r} as a port (1 to 65535)")
    return coerced


def _wanted(name: str, kind: type) -> str:
    if name == "port":
        return "a port"
    return {int: "a whole number", float: "a number", Path: "a path"}.get(kind, kind.__name__)


def _non_negative(values: Mapping[str, Any], name: str, default: float) -> float:
    try:
        number = float(values.get(name, default))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{name} must be a number of seconds") from error
    if number < 0:
        raise ConfigError(f"{name} must not be negative")
    return number


def _env_values(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in _FILE_SETTINGS - {"providers"}:
        raw = env.get(f"SANDBOX_{name.upper()}")
        if raw in (None, ""):
            continue
        try:  # read here, so a bad value names the variable it came from
            values[name] = _coerce(name, raw) if name in _SIMPLE_FIELDS else float(raw)
        except (ConfigError, ValueError) as error:
            problem = str(error).removeprefix(f"{name}: ")
            if not isinstance(error, ConfigError):
                problem = f"cannot read {raw!r} as a number of seconds"
            raise ConfigError(f"SANDBOX_{name.upper()}: {problem}") from None
    if env.get("SANDBOX_PROVIDERS"):
        try:
            values["providers"] = json.loads(env["SANDBOX_PROVIDERS"])
        except ValueError as error:
            raise ConfigError(f"SANDBOX_PROVIDERS is not valid JSON: {error}") from error
    # SANDBOX_PROVIDER_<NAME>_<SETTING>: a setting (a password, say) kept out of files
    values["_provider_env"] = {
        key.removeprefix("SANDBOX_PROVIDER_"): value
        for key, value in env.items()
        if key.startswith("SANDBOX_PROVIDER_")
    }
    return values


def _with_env_secrets(
    providers: tuple[ProviderSettings, ...], values: Mapping[str, Any]
) -> tuple[ProviderSettings, ...]:
    overrides: Mapping[str, str] = values.get("_provider_env") or {}
    if not overrides:
        return providers
    result = []
    for provider in providers:
        prefix = provider.name.upper().replace("-", "_") + "_"
        extra = {
            key.removeprefix(prefix).lower(): value
            for key, value in overrides.items()
            if key.startswith(prefix)
        }
        result.append(replace(provider, settings={**provider.settings, **extra}))
    return tuple(result)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from error


def _providers(raw: Any) -> tuple[ProviderSettings, ...]:
    specs = []
    for index, item in enumerate(raw or ()):
        if not isinstance(item, Mapping) or "kind" not in item or "channel" not in item:
            raise ConfigError(f"providers[{index}] needs at least kind and channel")
        for key in item:
            if key not in _PROVIDER_FIELDS:
                message = unknown_name_message("field", str(key), _PROVIDER_FIELDS)
                raise ConfigError(f"providers[{index}]: {message}")
        if item["channel"] not in {"sms", "email"}:
            raise ConfigError(f"providers[{index}].channel must be sms or email")
        specs.append(
            ProviderSettings(
                name=str(item.get("name", item["kind"])),
                kind=str(item["kind"]),
                channel=str(item["channel"]),
                priority=int(item.get("priority", index)),
                settings=dict(item.get("settings", {})),
            )
        )
    return tuple(specs)


def _check_email_domain(domain: str) -> None:
    """Every email's From address ends in this domain, so it must make a valid address.

    Notify's own rules (domain/recipients.py) are for recipients; for an operator's
    setting the general rules of email-validator apply (no DNS lookup).
    """
    try:
        email_validator.validate_email(f"sender@{domain}", check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        raise ConfigError(f"email_domain {domain!r} is not a valid email domain: {error}") from None
