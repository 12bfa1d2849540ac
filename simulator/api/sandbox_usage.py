"""GET /sandbox/v1/services/{service_id}/usage: today's counts against each limit."""

from __future__ import annotations

from aiohttp import web

from simulator.api.admin_auth import require_admin
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.gateway.key_limits import effective_limits

__all__ = ["get_usage"]

_CHANNELS = ("email", "sms", "international_sms", "letter")


async def get_usage(request: web.Request) -> web.Response:
    require_admin(request)
    gateway = request.app[GATEWAY_KEY]
    service = await gateway.service_admin.service(request.match_info["service_id"])
    now = gateway.clock.now()
    day = now.strftime("%Y-%m-%d")
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    used = await gateway.limiter.usage(service.id, day)
    channels = {
        channel: {
            "used": used.get(channel, 0),
            "limit": gateway.sender.daily_limit(service, channel),
        }
        for channel in _CHANNELS
    }
    if service.restricted and gateway.profile.allowances is None:  # GC has no trial total
        channels["total"] = {
            "used": used.get("total", 0),
            "limit": gateway.profile.trial_daily_limit,
        }
    keys = []
    for key in await gateway.key_manager.keys(service.id):
        limits = effective_limits(key)
        key_used = await gateway.limiter.usage(f"key-{key.id}", day)
        keys.append(
            {
                "id": key.id,
                "name": key.name,
                "key_type": key.key_type.value,
                "tier": key.tier,
                "per_minute_limit": limits.per_minute,
                "per_day_limit": limits.per_day,
                "requests_today": max(
                    key_used.get("requests", 0), gateway.key_usage.requests_today(key.id)
                ),
                "sends": await gateway.store.sends_by_key(key.id, since=midnight),
            }
        )
    return json_response(
        {
            "service_id": service.id,
            "day": day,
            "rate_limit": {"per_minute": service.rate_limit},
            "channels": channels,
            "keys": keys,
        }
    )
