"""Every AppKey and RequestKey, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from simulator.config import Config
from simulator.delivery.callbacks import CallbackSender
from simulator.delivery.job_runner import JobRunner
from simulator.delivery.worker import DeliveryWorker
from simulator.domain.clock import SandboxClock
from simulator.domain.faults import FaultBook
from simulator.domain.messages import Messages
from simulator.domain.ports import RateDecision
from simulator.domain.profiles import Profile
from simulator.domain.schemas import RequestSchemas
from simulator.gateway.auth import Authenticator, Principal
from simulator.gateway.bulk import BulkService
from simulator.gateway.bulk_reads import BulkReads
from simulator.gateway.callback_health import CallbackHealth
from simulator.gateway.clock_control import ClockControl
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.events import ChangeFeed
from simulator.gateway.health import SandboxHealth
from simulator.gateway.key_admin import KeyManager
from simulator.gateway.key_limits import KeyLimits
from simulator.gateway.key_usage import KeyUsage
from simulator.gateway.legacy_reads import LegacyReads
from simulator.gateway.legacy_send import LegacySendService
from simulator.gateway.letters import LetterService
from simulator.gateway.message_log import MessageLog
from simulator.gateway.provider_receipts import ReceiptUpdates
from simulator.gateway.reads import ReadService
from simulator.gateway.reports import ReportService
from simulator.gateway.send import SendService
from simulator.gateway.send_a_file import DocumentLinks
from simulator.gateway.service_admin import ServiceAdmin
from simulator.gateway.service_callbacks import ServiceCallbacks
from simulator.gateway.team_access import TeamAccess
from simulator.gateway.template_management import TemplateManagement
from simulator.gateway.usage_report import UsageReport

__all__ = [
    "ADMIN_KEY",
    "CONFIG_KEY",
    "GATEWAY_KEY",
    "PRINCIPAL_KEY",
    "RATE_KEY",
    "TRACE_KEY",
    "WORKER_KEY",
    "AdminGateway",
    "Gateway",
]


@dataclass(slots=True)
class Gateway:
    """The use cases and ports the HTTP edge may call."""

    profile: Profile
    clock: SandboxClock
    health: SandboxHealth  # GET /_status and GET /metrics
    directory: ServiceDirectory
    authenticator: Authenticator
    sender: SendService
    reads: ReadService
    schemas: RequestSchemas
    key_usage: KeyUsage
    key_manager: KeyManager
    service_admin: ServiceAdmin
    key_limits: KeyLimits
    callback_sender: CallbackSender
    callback_health: CallbackHealth
    events: ChangeFeed
    admin_token: str
    team_access: TeamAccess
    message_log: MessageLog
    service_callbacks: ServiceCallbacks
    usage: UsageReport
    # a provider's delivery receipt checked and applied to its notification
    receipt_updates: ReceiptUpdates
    # GC's bulk sends (contract 3.9); None where the profile has no bulk route
    bulk: BulkService | None = None
    jobs: JobRunner | None = None
    bulk_reads: BulkReads | None = None  # GET and DELETE /v2/notifications/bulk
    template_management: TemplateManagement | None = None  # /v2/manage-template
    # letters (contract 3.3); None where the profile has none
    letters: LetterService | None = None
    reports: ReportService | None = None  # /v2/reports
    # GC's legacy v1 API (/notifications); None where the profile has none
    legacy_send: LegacySendService | None = None
    legacy_reads: LegacyReads | None = None
    # kept files behind send-a-file links (api/document_download.py)
    documents: DocumentLinks | None = None


@dataclass(frozen=True, slots=True)
class AdminGateway:
    """What the /sandbox/v1 admin sub-application calls (api/admin_app.py), and no more."""

    admin_token: str  # the one bearer token its middleware accepts
    messages: Messages
    clock: ClockControl
    service_admin: ServiceAdmin
    key_manager: KeyManager
    key_usage: KeyUsage
    usage: UsageReport
    service_callbacks: ServiceCallbacks
    callback_health: CallbackHealth
    faults: FaultBook
    message_log: MessageLog
    # kept files behind a message (sandbox_files.py); None where nothing keeps files
    documents: DocumentLinks | None
    # GC's reports, cleared by a reset; None where the profile has none
    reports: ReportService | None = None


CONFIG_KEY = web.AppKey("CONFIG_KEY", Config)
WORKER_KEY = web.AppKey("WORKER_KEY", DeliveryWorker)
GATEWAY_KEY = web.AppKey("GATEWAY_KEY", Gateway)
# on the /sandbox/v1 sub-application only
ADMIN_KEY = web.AppKey("ADMIN_KEY", AdminGateway)
# request-scoped: set by the v2 auth step and the outermost middleware
PRINCIPAL_KEY = web.RequestKey("PRINCIPAL_KEY", Principal)
RATE_KEY = web.RequestKey("RATE_KEY", RateDecision)
TRACE_KEY = web.RequestKey("TRACE_KEY", tuple[str, str])
