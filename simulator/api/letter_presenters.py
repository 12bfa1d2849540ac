"""Wire shapes for letters: the 201s and the letter keys of GET /v2/notifications/{id}.

alphagov/notifications-api ``app/v2/notifications/create_response.py``
(``create_post_letter_response_from_notification``) and ``app/models.py``
(``Notification.serialize``: ``line_1``..``line_6`` and ``postcode`` from the personalisation
as sent, the letter status, ``estimated_delivery``; ``_add_cost_data_for_letter``).
"""

from __future__ import annotations

from typing import Any

from simulator.domain.letters import LetterRules, cost_data, estimated_delivery, letter_status
from simulator.domain.models import Notification
from simulator.domain.templating import normalise_key

__all__ = ["letter_fields", "post_letter_body", "post_precompiled_letter_body"]

_LINES = (
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "address_line_6",
    "postcode",
)
_SHOWN = ("line_1", "line_2", "line_3", "line_4", "line_5", "line_6", "postcode")


def post_letter_body(n: Notification, url_root: str) -> dict[str, Any]:
    return {
        "id": n.id,
        "reference": n.reference,
        "content": {"body": n.body, "subject": n.subject},
        "uri": f"{url_root}v2/notifications/{n.id}",
        "template": {
            "id": n.template_id,
            "version": n.template_version,
            "uri": f"{url_root}services/{n.service_id}/templates/{n.template_id}",
        },
        "scheduled_for": None,
    }


def post_precompiled_letter_body(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "reference": n.reference, "postage": n.postage}


def letter_fields(n: Notification, rules: LetterRules, format_time: Any) -> dict[str, Any]:
    """The keys GET shows for a letter on top of the common ones."""
    # Notify reads the personalisation through an InsensitiveDict
    values = {normalise_key(str(k)): v for k, v in n.personalisation.items()}
    fields: dict[str, Any] = {
        shown: values.get(normalise_key(key)) for key, shown in zip(_LINES, _SHOWN, strict=True)
    }
    fields["status"] = letter_status(n.status)
    fields["estimated_delivery"] = format_time(estimated_delivery(n.created_at, n.postage))
    fields.update(cost_data(n.status, n.postage, n.billable_units, rules.rates))
    return fields
