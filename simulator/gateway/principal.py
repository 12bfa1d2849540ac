"""Who is calling: the service and the API key a request authenticated as."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.domain.models import ApiKey, Service

__all__ = ["Principal"]


@dataclass(frozen=True, slots=True)
class Principal:
    service: Service
    key: ApiKey
