"""GC's template management through the API: create, read, update, archive (/v2/manage-template).

The order of checks is GC's (cds-snc/notification-api app/v2/manage_template/): the key's
``manage_templates`` permission (checked at authentication), the schema, the category, the
folder, the service's permission for the type, then the content and name limits. Every
change is a new version, as GC's versioned ``dao_update_template`` makes one whenever a
field is set; the send routes and ``/v2/template/{id}/version/{v}`` serve it at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from simulator.domain.clock import Clock
from simulator.domain.errors import BadRequestError, NotifyError, ValidationError
from simulator.domain.keys import ForbiddenError
from simulator.domain.manage_template import (
    ManageTemplateRules,
    ManageTemplateSchema,
    category_failure,
    content_units,
)
from simulator.domain.messages import Messages
from simulator.domain.models import NotificationType, Template
from simulator.gateway.principal import Principal

__all__ = ["TemplateManagement", "TemplateStore"]

_KINDS = {"sms": "text message", "email": "email"}  # GC's get_public_notify_type_text


class TemplateStore(Protocol):
    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None: ...
    async def save_template(self, template: Template) -> None: ...


class TemplateManagement:
    def __init__(
        self,
        *,
        rules: ManageTemplateRules,
        store: TemplateStore,
        clock: Clock,
        messages: Messages,
        on_change: Callable[[str], None],
    ) -> None:
        self.rules = rules
        self._texts = rules.texts
        self._schema = ManageTemplateSchema()
        self._store = store
        self._clock = clock
        self._messages = messages
        self._on_change = on_change

    async def create(self, principal: Principal, body: object) -> Template:
        self._check_body(self._schema.validate_post(body), creating=True)
        assert isinstance(body, dict)
        self._check_category(body["template_category_id"])
        self._check_folder(body.get("parent_folder_id"))
        template_type = body["template_type"]
        if template_type not in principal.service.permissions:
            raise ForbiddenError(self._texts.type_not_allowed.format(kind=_KINDS[template_type]))
        is_email = template_type == NotificationType.EMAIL.value
        template = Template(
            id=str(uuid.uuid4()),
            service_id=principal.service.id,
            type=NotificationType(template_type),
            name=body["name"],
            body=body["content"],
            subject=body.get("subject") if is_email else None,
            version=1,
            created_at=self._clock.now(),
            created_by=principal.key.created_by,
            category_id=body["template_category_id"],
        )
        self._check_limits(template)
        return await self._save(template)

    async def template(self, principal: Principal, template_id: str) -> Template:
        found = await self._store.get_template(principal.service.id, template_id)
        if found is None or found.hidden:
            raise self._messages.no_result_error()
        return found

    async def update(self, principal: Principal, template_id: str, body: object) -> Template:
        self._check_body(self._schema.validate_patch(body), creating=False)
        current = await self.template(principal, template_id)
        changes: dict[str, Any] = dict(body) if isinstance(body, dict) else {}
        if "template_category_id" in changes:
            self._check_category(changes["template_category_id"])
        if "parent_folder_id" in changes:
            self._check_folder(changes["parent_folder_id"])
        if not changes:
            return current  # nothing set: GC records no version either
        updated = replace(
            current,
            name=changes.get("name", current.name),
            body=changes.get("content", current.body),
            subject=changes.get("subject", current.subject)
            if current.type is NotificationType.EMAIL
            else None,
            category_id=changes.get("template_category_id", current.category_id),
            version=current.version + 1,
            updated_at=self._clock.now(),
        )
        self._check_limits(updated)
        return await self._save(updated)

    async def archive(self, principal: Principal, template_id: str) -> Template:
        current = await self.template(principal, template_id)
        if current.archived:
            raise BadRequestError(self._texts.already_archived)
        archived = replace(
            current, archived=True, version=current.version + 1, updated_at=self._clock.now()
        )
        return await self._save(archived)

    async def _save(self, template: Template) -> Template:
        await self._store.save_template(template)
        self._on_change(template.service_id)
        return template

    def _check_body(self, messages: list[str], *, creating: bool) -> None:
        if not messages:
            return
        category = category_failure(messages, self._texts, creating=creating)
        if category is not None:
            raise self._category_error("TemplateCategoryValidationError", category)
        raise ValidationError(messages)

    def _check_category(self, category_id: str) -> None:
        if self.rules.category(category_id) is None:
            raise self._category_error(
                "TemplateCategoryNotFoundError", self._texts.category_not_found
            )

    def _check_folder(self, folder_id: object) -> None:
        # the sandbox has no template folders, so any folder named is not the service's
        if folder_id:
            raise BadRequestError(self._texts.folder_not_found)

    def _check_limits(self, template: Template) -> None:
        rules = self.rules
        is_sms = template.type is NotificationType.SMS
        limit = rules.sms_limit if is_sms else rules.email_limit
        if content_units(template.type.value, template.body) > limit:
            raise BadRequestError(self._texts.content_too_long.format(limit=limit))
        if len(template.name) > rules.name_limit:
            raise BadRequestError(self._texts.name_too_long.format(limit=rules.name_limit))

    def _category_error(self, error: str, message: str) -> NotifyError:
        """GC's category refusals list the categories a user may pick from."""
        listed = [
            {"template_category_id": c.id, "name": c.name_en}
            for c in self.rules.categories
            if not c.hidden
        ]
        return NotifyError(
            message, status_code=400, error=error, extra={"template_categories": listed}
        )
