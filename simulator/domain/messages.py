"""Every public Notify message text, once, per profile.

Texts are copied exactly from Notify (mind U+2019 ’ and U+2013 –). A profile
swaps the whole table rather than branching at the raise sites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.domain.errors import NotifyError

__all__ = ["UK_MESSAGES", "Messages"]

_UK_DOCS_AUTH = "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"


def _uk_phone_texts() -> dict[str, str]:
    return {
        "INVALID_NUMBER": "Number is not valid – double check the phone number you entered",
        "TOO_LONG": "Too many digits",
        "TOO_SHORT": "Not enough digits",
        "NOT_A_UK_MOBILE": "Not a UK mobile number",
        "UNKNOWN_CHARACTER": "Must not contain letters or symbols",
        "UNSUPPORTED_COUNTRY_CODE": "Not a valid country prefix",
        "UNSUPPORTED_EMERGENCY_NUMBER": "Phone number cannot be an emergency number",
        "INTERNATIONAL_NOT_ALLOWED": "Cannot send to international mobile numbers",
    }


@dataclass(frozen=True, slots=True)
class Messages:
    # auth (contract 1.3)
    no_token: str = "Unauthorized: authentication token must be provided"
    bearer_required: str = "Unauthorized: authentication bearer scheme must be used"
    bad_token: str = (
        f"Invalid token: make sure your API token matches the example at {_UK_DOCS_AUTH}"
    )
    no_iss: str = "Invalid token: iss field not provided"
    iss_not_uuid: str = "Invalid token: service id is not the right data type"
    service_not_found: str = "Invalid token: service not found"
    no_keys: str = "Invalid token: service has no API keys"
    service_archived: str = "Invalid token: service is archived"
    clock_skew: str = "Error: Your system clock must be accurate to within 30 seconds"
    bad_algorithm: str = "Invalid token: algorithm used is not HS256"
    key_revoked: str = "Invalid token: API key revoked"
    key_expired: str = "Invalid token: API key expired"
    key_not_found: str = "Invalid token: API key not found"
    # PyJWT errors other than "not decodable" while reading the issuer; None: bad_token
    token_error: str | None = None
    # the full-key schemes (ApiKey-v1 and the sandbox's optional ones)
    full_key_required: str = "Invalid token: Enter your full API key"
    full_key_not_found: str = "Invalid token: API key not found"
    # sends (contract 3.4)
    invalid_json: str = "Invalid JSON supplied in POST data"
    # only where the profile requires a JSON Content-Type (GC: 415)
    unsupported_media_type: str = ""
    service_suspended: str = "Service is suspended"
    service_not_allowed: str = "Service is not allowed to send {plural}"
    template_not_found: str = "Template not found"
    template_wrong_type: str = (
        "{template_type} template is not suitable for {notification_type} notification"
    )
    template_archived: str = "Template has been deleted"  # may use {template_id}
    missing_personalisation: str = "Missing personalisation: {names}"  # may use {template_id}
    message_empty: str = "Your message is empty."
    # None: files are allowed in any personalisation (GC uploads them for SMS too)
    file_not_email: str | None = "Can only send a file by email"
    files_not_set_up: str = (
        "Send files by email has not been set up - add contact details for your service at "
        "https://www.notifications.service.gov.uk/services/{service_id}/service-settings/"
        "send-files-by-email"
    )
    reply_to_missing: str = (
        "email_reply_to_id {id} does not exist in database for service id {service_id}"
    )
    sms_sender_missing: str = (
        "sms_sender_id {id} does not exist in database for service id {service_id}"
    )
    # both may use {service_id}
    team_key_recipient: str = "Can’t send to this recipient using a team-only API key"
    trial_recipient: str = (
        "Can’t send to this recipient when service is in trial mode – see "
        "https://www.notifications.service.gov.uk/trial-mode"
    )
    sms_too_long: str = (
        "Your message is too long. Text messages cannot be longer than {limit} characters. "
        "Your message is {count} characters long."
    )
    email_too_long: str = (
        "Your message is too long. Emails cannot be longer than {limit} bytes. "
        "Your message is {count} bytes."
    )
    invalid_email: str = "Not a valid email address"
    phone: dict[str, str] = field(default_factory=_uk_phone_texts)
    # reads
    no_result: str = "No result found"
    # set: GET /v2/notifications/{id} answers a route-level 404 body with this text (GC)
    notification_not_found: str | None = None
    not_a_letter: str = "Notification is not a letter"
    # limits (contract 7)
    rate_limited: str = (
        "Exceeded rate limit for key type {key_type} of {limit} requests per 60 seconds"
    )
    daily_limited: str = "Exceeded send limits ({channel}: {limit}) for today"
    # routing (contract 4.3)
    route_not_found: str = (
        "The requested URL was not found on the server. If you entered the URL manually please "
        "check your spelling and try again."
    )
    method_not_allowed: str = "The method is not allowed for the requested URL."

    def no_result_error(self) -> NotifyError:
        """Notify's 404 for what is not there, or not the caller's (NoResultFound)."""
        return NotifyError(self.no_result, status_code=404, error="NoResultFound")


UK_MESSAGES = Messages()
