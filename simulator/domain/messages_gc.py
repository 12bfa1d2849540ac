"""GC Notify's message texts (contract 1.4, 2.1, 3.2, 3.4, 3.5, 5.1, 6.2, 7).

Only the texts that differ from GOV.UK Notify are set; everything else is
inherited from :class:`Messages`. Copied exactly (mind ’ U+2019 and – U+2013).
"""

from __future__ import annotations

from dataclasses import replace

from simulator.domain.jobs import BulkTexts
from simulator.domain.manage_template import ManageTemplateTexts
from simulator.domain.messages import UK_MESSAGES
from simulator.domain.reports import ReportTexts

__all__ = [
    "GC_BULK_TEXTS",
    "GC_DOCS",
    "GC_FILE_TEXTS",
    "GC_LIMIT_TEXTS",
    "GC_MANAGE_TEMPLATE_TEXTS",
    "GC_MESSAGES",
    "GC_REPORT_TEXTS",
    "GC_STATUS_DESCRIPTIONS",
]

GC_DOCS = "https://documentation.notification.canada.ca/en"
_HEADERS_DOC = f"{GC_DOCS}/start.html#headers."

# werkzeug's own descriptions, which GC's handlers put after their prefix
_BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."
_NOT_JSON = (
    "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
)


def _gc_phone_texts() -> dict[str, str]:
    return {
        "NOT_VALID_INTERNATIONAL": "Not a valid international number",
        "TOO_SHORT": "Not enough digits",
        "UNSUPPORTED_COUNTRY_CODE": "Not a valid country prefix",
        "COUNTRY_NOT_SUPPORTED": "Country code {prefix} is not supported",
        "NOT_VALID_LOCAL": "Not a valid local number",
        "NUMBER_NONE": "Number is None",
        "NOT_VALID_NUMBER": "Not a valid number",
        "INTERNATIONAL_NOT_ALLOWED": "Cannot send to international mobile numbers",
    }


GC_MESSAGES = replace(
    UK_MESSAGES,
    no_token="Unauthorized, authentication token must be provided",
    bearer_required=(
        "Unauthorized, Authorization header is invalid. GC Notify supports the following "
        "authentication methods. Bearer: JWT token that the client generates and passes in, "
        f"Learn more: {_HEADERS_DOC}, ApiKey-v1: If you cannot generate a JWT token you may "
        "optionally use the API secret generated for you by GC Notify. "
        f"Learn more: {_HEADERS_DOC}"
    ),
    bad_token="Invalid token: signature, api token is not valid",
    token_error="Invalid token: {detail}",
    key_not_found="Invalid token: signature, api token not found",
    invalid_json=f"Error decoding arguments: {_BAD_REQUEST}",
    unsupported_media_type=f"UnsupportedMediaType error: {_NOT_JSON}",
    template_archived="Template {template_id} has been deleted",
    missing_personalisation="Missing personalisation for template ID {template_id}: {names}",
    message_empty="Message is empty or just whitespace",
    file_not_email=None,
    team_key_recipient=(
        "Can’t send to this recipient using a team-only API key (service {service_id}) "
        f"- see {GC_DOCS}/keys.html#team-and-safelist"
    ),
    trial_recipient=(
        f"Can’t send to this recipient when service is in trial mode – see {GC_DOCS}/keys.html#live"
    ),
    sms_too_long="Content for template has a character count greater than the limit of {limit}",
    phone=_gc_phone_texts(),
    notification_not_found="Notification not found in database",
)

# contract 7.2: the `error` class is "LiveService..." or "TrialService..." ({mode})
GC_LIMIT_TEXTS: dict[str, tuple[str, str]] = {
    "email-day": (
        "{mode}ServiceTooManyEmailRequestsError",
        "Exceeded email daily sending limit of {limit} messages",
    ),
    "sms-day": (
        "{mode}ServiceTooManySMSRequestsError",
        "Exceeded SMS daily sending limit of {limit} fragments",
    ),
    "email-year": (
        "{mode}ServiceRequestExceedsEmailAnnualLimitError",
        "Exceeded annual email sending limit of {limit} messages",
    ),
    "sms-year": (
        "{mode}ServiceRequestExceedsSMSAnnualLimitError",
        "Exceeded annual SMS sending limit of {limit} messages",
    ),
}

# contract 3.2: GC's attachment checks, reported as ValidationError items
GC_FILE_TEXTS: dict[str, str] = {
    "too_many": "File number exceed allowed limits of {limit} with number of {count}.",
    "too_big": (
        "{key} : File size for {filename} is {size} and greater than allowed limit of {limit}."
    ),
    "bad_base64": "{key} : {detail} : Error decoding base64 field",
    "personalisation_too_big": (
        "Personalisation variables size of {size} bytes is greater than allowed limit of "
        "{limit} bytes."
    ),
}

_IN_TRANSIT = "In transit"
_COMMON = {
    "created": _IN_TRANSIT,
    "sending": _IN_TRANSIT,
    "pending": _IN_TRANSIT,
    "delivered": "Delivered",
    "technical-failure": "Tech issue",
}
# contract 6.2: status_description by notification type and status
GC_STATUS_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "email": {
        **_COMMON,
        "temporary-failure": "Content or inbox issue",
        "permanent-failure": "No such address",
        "virus-scan-failed": "Attachment has virus",
        "pii-check-failed": "Exceeds Protected A",
    },
    "sms": {
        **_COMMON,
        "sent": "Sent",
        "temporary-failure": "Carrier issue",
        "permanent-failure": "No such number",
        "provider-failure": "No such number",
    },
}

# contract 3.9: POST /v2/notifications/bulk (GC-API post_notifications.py check_for_csv_errors)
_REMAINING = (
    "You only have {remaining} remaining {what} before you reach your {period} limit. "
    "You've tried to send {count} {what}."
)
GC_BULK_TEXTS = BulkTexts(
    rows_or_csv="You should specify either rows or csv",
    csv_error="Error converting to CSV: {detail}",
    missing_headers="Missing column headers: {names}",
    duplicate_headers="Duplicate column headers: {names}",
    remaining={
        (kind, period): _REMAINING.replace("{what}", what).replace("{period}", period)
        for kind, what in (("email", "messages"), ("sms", "sms messages"))
        for period in ("daily", "annual")
    },
    too_many_rows="Too many rows. Maximum number of rows allowed is {limit}",
    team_recipients=(
        "You cannot send to these recipients because you used a team and safelist API key."
    ),
    trial_recipients=(
        "You cannot send to these recipients because your service is in trial mode. "
        "You can only send to members of your team and your safelist."
    ),
    row_errors="Some rows have errors. {errors}.",
    row_too_long=(
        "Row {row} - has a character count greater than {limit} characters. "
        "Some messages may be too long due to custom content."
    ),
    mixed_recipients="Bulk sending to testing and non-testing numbers is not supported",
    # GC's own text where its admin API reads a job (app/job/rest.py); GC's v2 API has no
    # job reads, and its admin cancel route answers 404 for a job that is not scheduled,
    # so the two 409 texts are the sandbox's own (docs/gc-profile.md says so)
    job_not_found="Job not found in database",
    already_cancelled="Job has already been cancelled",
    cancel_not_allowed="Only a scheduled job can be cancelled. This job is {status}.",
)

# cds-snc/notification-api app/v2/manage_template/post_template.py and patch_template.py,
# app/v2/errors.py (TemplateCategoryValidationError, TemplateCategoryNotFoundError)
GC_MANAGE_TEMPLATE_TEXTS = ManageTemplateTexts(
    category_invalid="template_category_id must be a valid UUID",
    category_required="template_category_id is a required property",
    category_not_found="template_category_id not found",
    folder_not_found="parent_folder_id not found",
    content_too_long="Content has a character count greater than the limit of {limit}",
    name_too_long="Template name must be less than {limit} characters",
    type_not_allowed="Creating {kind} templates is not allowed",
    already_archived="Template is already archived.",
)

# cds-snc/notification-api app/v2/reports/*.py and app/v2/errors.py
GC_REPORT_TEXTS = ReportTexts(
    forbidden="This API key does not have permission to manage reports.",
    rate_limited="Maximum {limit} report requests per hour",
    not_ready="Report is not ready for download (status: {status})",
    download_failed="Failed to retrieve report content",
)
