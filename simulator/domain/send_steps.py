"""The checks of a single send, by name: a profile lists them in its own order (contract 3.4)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["SendStep"]


class SendStep(StrEnum):
    SCHEMA = "schema"
    FILES = "files"
    FAULTS = "faults"
    SUSPENDED = "suspended"
    PERMISSION = "permission"
    SANITISE = "sanitise"
    RATE = "rate"
    TEMPLATE = "template"
    PERSONALISATION = "personalisation"
    RENDER = "render"
    ALLOWANCES = "allowances"
    SENDERS = "senders"
    RECIPIENT = "recipient"
    INTERNATIONAL_ALLOWANCE = "international_allowance"
    SEND_A_FILE = "send_a_file"
    DOCUMENTS = "documents"
    PHONE_NETWORK = "phone_network"
