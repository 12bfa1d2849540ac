"""Rate buckets and daily counters in Redis, shared by every sandbox process.

Each check-and-take is one Lua script, so it is atomic across processes. If
Redis cannot be reached (a refused connection, a time-out) the request is
allowed, as Notify does, unless the sandbox is configured to fail closed.

A busy connection pool is not an outage: a request waits for a free connection
(the pool blocks) rather than skipping its counters. Any other Redis error
refuses the send (503) instead of storing it uncounted.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from redis import asyncio as aioredis
from redis.asyncio import BlockingConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from simulator.domain.errors import NotifyError
from simulator.domain.ports import RateDecision, Reservation

__all__ = ["RedisLimiter"]

log = structlog.get_logger("simulator.limits")

# KEYS[1] bucket; ARGV rate per second, capacity, now (seconds, float)
_TAKE_TOKEN = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = capacity; ts = now end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(capacity, tokens + elapsed * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
return {allowed, tostring(tokens)}
"""

# KEYS counters; ARGV limits (same order), the counters' lifetime in seconds, the places.
# Returns 0 when all were taken, else the 1-based index of the first counter that is full.
_RESERVE = """
local ttl = tonumber(ARGV[#KEYS + 1] or '90000')
local places = tonumber(ARGV[#KEYS + 2] or '1')
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count + places > tonumber(ARGV[i]) then return i end
end
for i, key in ipairs(KEYS) do
  if redis.call('INCRBY', key, places) == places then redis.call('EXPIRE', key, ttl) end
end
return 0
"""

# KEYS counters; ARGV[1] the places to give back (never below zero)
_RELEASE = """
local places = tonumber(ARGV[1] or '1')
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count > 0 then redis.call('DECRBY', key, math.min(count, places)) end
end
return 0
"""

# concurrent sends queue for a pooled connection this long before it counts as a time-out
_POOL_WAIT_SECONDS = 5.0
_POOL_SIZE = 50


class RedisLimiter:
    backend = "redis"

    def __init__(
        self, url: str, *, fail_closed: bool = False, prefix: str = "notify-sandbox"
    ) -> None:
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=_POOL_SIZE,
            timeout=_POOL_WAIT_SECONDS,
            socket_timeout=2,
            socket_connect_timeout=2,
        )
        self._redis = aioredis.Redis(connection_pool=pool)
        self._fail_closed = fail_closed
        self._prefix = prefix
        self._take = self._redis.register_script(_TAKE_TOKEN)
        self._reserve = self._redis.register_script(_RESERVE)
        self._release = self._redis.register_script(_RELEASE)
        self.unavailable_count = 0  # the "limiter unavailable" metric

    def _counter(self, scope: str, day: str, channel: str) -> str:
        # Notify's own key shape: <service_id>-<type>-<yyyy-mm-dd>-count
        return f"{self._prefix}:{scope}-{channel}-{day}-count"

    def _unavailable(self, error: RedisError) -> None:
        if not isinstance(error, RedisConnectionError | RedisTimeoutError):
            # not an outage (a script error, say): refuse rather than store uncounted
            log.error("limiter_error", error=type(error).__name__)
            raise NotifyError(
                "Rate limiting is unavailable, try again later",
                status_code=503,
                error="ServiceUnavailableError",
            ) from error
        self.unavailable_count += 1
        log.warning(
            "limiter_unavailable", error=type(error).__name__, fail_closed=self._fail_closed
        )
        if self._fail_closed:
            raise NotifyError(
                "Rate limiting is unavailable, try again later",
                status_code=503,
                error="ServiceUnavailableError",
            ) from error

    async def take_token(
        self, bucket: str, *, per_minute: int, capacity: int, now: float
    ) -> RateDecision:
        rate = per_minute / 60.0
        try:
            allowed, tokens_text = await self._take(
                keys=[f"{self._prefix}:{bucket}"], args=[rate, capacity, now]
            )
        except RedisError as error:
            self._unavailable(error)
            return RateDecision(True, per_minute, capacity, 0.0, 0.0)
        tokens = float(tokens_text)
        reset = (capacity - tokens) / rate if rate > 0 else 0.0
        if int(allowed):
            return RateDecision(True, per_minute, int(tokens), 0.0, reset)
        wait = (1.0 - tokens) / rate if rate > 0 else 60.0
        return RateDecision(False, per_minute, 0, wait, reset)

    async def reserve(
        self,
        service_id: str,
        day: str,
        limits: Sequence[tuple[str, int]],
        *,
        ttl_seconds: int = 90_000,
        count: int = 1,
    ) -> Reservation | tuple[str, int]:
        keys = [self._counter(service_id, day, channel) for channel, _ in limits]
        args = [*(limit for _, limit in limits), ttl_seconds, count]
        try:
            full = int(await self._reserve(keys=keys, args=args))
        except RedisError as error:
            self._unavailable(error)
            return Reservation(service_id, day, ())  # nothing taken, nothing to give back
        if full:
            return limits[full - 1]
        return Reservation(service_id, day, tuple(channel for channel, _ in limits), count)

    async def release(self, reservation: Reservation) -> None:
        if not reservation.channels:
            return
        keys = [
            self._counter(reservation.service_id, reservation.day, c) for c in reservation.channels
        ]
        try:
            await self._release(keys=keys, args=[reservation.count])
        except RedisError as error:
            self._unavailable(error)

    async def usage(self, service_id: str, day: str) -> dict[str, int]:
        channels = ("email", "sms", "international_sms", "letter", "total", "requests")
        keys = [self._counter(service_id, day, c) for c in channels]
        try:
            values = await self._redis.mget(keys)
        except RedisError as error:
            self._unavailable(error)
            return {}
        return {c: int(v) for c, v in zip(channels, values, strict=True) if v is not None}

    async def seed(self, service_id: str, day: str, counts: dict[str, int]) -> None:
        """Redis is the shared source of truth: nothing to restore."""

    def snapshot(self, scope_prefix: str) -> list[tuple[str, str, str, int]]:
        """Nothing to write down: Redis keeps the shared counters itself."""
        return []

    async def close(self) -> None:
        await self._redis.aclose()
