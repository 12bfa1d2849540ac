"""GC Notify's template categories: every GC template has one (GET /v2/manage-template/...).

The ids and names are GC's own, from its migrations (cds-snc/notification-api
migrations/versions/0454_add_template_category.py for the three hidden generic ones,
0455_add_starter_category.py for the nine a user picks from). GET template-categories
lists the visible ones, in that order; a hidden one is still a valid
``template_category_id`` (``dao_get_template_category_by_id`` does not filter on it).
GC's names live in its database and have been edited since; the visible ones follow
GC's documentation of the current list.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GC_TEMPLATE_CATEGORIES", "TemplateCategory"]


@dataclass(frozen=True, slots=True)
class TemplateCategory:
    id: str
    name_en: str
    name_fr: str
    hidden: bool = False


GC_TEMPLATE_CATEGORIES = (
    # the nine a user picks from, with today's names and in today's order: GC renamed two
    # since the migrations (GC-DOCS src/en/template-categories.md, src/fr/categories-gabarits.md)
    TemplateCategory(
        "207b293c-2ae5-48e8-836d-fcabd60b2153", "General communication", "Communication générale"
    ),
    TemplateCategory("977e2a00-f957-4ff0-92f2-ca3286b24786", "Confirmation", "Confirmation"),
    TemplateCategory("e81678c0-4897-4111-b9d0-172f6b595f89", "Decision", "Décision"),
    TemplateCategory("e0b8fbe5-f435-4977-8fc8-03f13d9296a5", "Request", "Demande"),
    TemplateCategory("b6c42a7e-2a26-4a07-802b-123a5c3198a9", "Authentication", "Authentification"),
    TemplateCategory("55eb1137-6dc6-4094-9031-f61124a279dc", "Status update", "État d’avancement"),
    TemplateCategory("7c16aa95-e2e1-4497-81d6-04c656520fe4", "Test", "Test"),
    TemplateCategory("1d8ce435-a7e5-431b-aaa2-a418bc4d14f9", "Alert", "Alerte"),
    TemplateCategory("edb966f3-4a4c-47a4-96ab-05ff259b919c", "Reminder", "Rappel"),
    # the generic ones, hidden from the list
    TemplateCategory(
        "0dda24c2-982a-4f44-9749-0e38b2607e89",
        "Low Category (Bulk)",
        "Catégorie Basse (En Vrac)",
        hidden=True,
    ),
    TemplateCategory(
        "f75d6706-21b7-437e-b93a-2c0ab771e28e",
        "Medium Category (Normal)",
        "Catégorie Moyenne (Normale)",
        hidden=True,
    ),
    TemplateCategory(
        "c4f87d7c-a55b-4c0f-91fe-e56c65bb1871",
        "High Category (Priority)",
        "Catégorie Haute (Priorité)",
        hidden=True,
    ),
)
