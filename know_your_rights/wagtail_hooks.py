"""Admin: snippets, the "Approve translation" action and the import log action."""

from django.contrib.contenttypes.models import ContentType
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import widgets as wagtailadmin_widgets
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from know_your_rights.admin_views import APPROVE_PERMISSION, approve_translation
from know_your_rights.memo_content import ADMINISTRATIVE_IMPORT
from know_your_rights.models import Hotline, PolicySource, PolicyStatement
from know_your_rights.review import needs_review


class ReviewColumn(Column):
    """ "Needs review" for translations no person has approved yet."""

    def get_value(self, instance):
        return _("Needs review") if needs_review(instance) else "—"


class PolicySourceViewSet(SnippetViewSet):
    model = PolicySource
    icon = "doc-full"
    menu_label = _("Policy sources")
    list_display = ["title", "issuer", "date_display"]
    # No per-field search list: the model's search index covers title and
    # issuer, and SQLite's full-text backend cannot filter by field name.


class PolicyStatementViewSet(SnippetViewSet):
    model = PolicyStatement
    icon = "openquote"
    menu_label = _("Policy statements")
    list_display = ["key", "summary", "status", "locale", ReviewColumn("review", label=_("Review"))]
    list_filter = ["status", "kind", "locale"]


class HotlineViewSet(SnippetViewSet):
    model = Hotline
    icon = "mail"
    menu_label = _("Hotlines")
    list_display = ["name", "phone", "locale", ReviewColumn("review", label=_("Review"))]
    list_filter = ["locale"]


register_snippet(PolicySourceViewSet)
register_snippet(PolicyStatementViewSet)
register_snippet(HotlineViewSet)


def _approve_url(obj, next_url=None) -> str:
    model = Page if isinstance(obj, Page) else type(obj)
    url = reverse(
        "know_your_rights_approve_translation",
        args=[ContentType.objects.get_for_model(model).pk, obj.pk],
    )
    return f"{url}?next={next_url}" if next_url else url


@hooks.register("register_admin_urls")
def register_approve_url():
    return [
        path(
            "know-your-rights/approve/<int:content_type_id>/<str:object_id>/",
            approve_translation,
            name="know_your_rights_approve_translation",
        )
    ]


@hooks.register("register_page_header_buttons")
def approve_page_button(page, user, view_name, next_url=None):
    if user.has_perm(APPROVE_PERMISSION) and needs_review(page):
        yield wagtailadmin_widgets.Button(
            _("Approve translation"), _approve_url(page, next_url), icon_name="check", priority=90
        )


@hooks.register("register_page_listing_more_buttons")
def approve_page_listing_button(page, user, next_url=None):
    # Translated pages open in wagtail-localize's editor, which has no header
    # buttons: the explorer listing is where editors find this action.
    yield from approve_page_button(page, user, "listing", next_url)


@hooks.register("register_snippet_listing_buttons")
def approve_snippet_button(snippet, user, next_url=None):
    if isinstance(snippet, (PolicyStatement, Hotline)) and user.has_perm(APPROVE_PERMISSION):
        if needs_review(snippet):
            yield MenuItem(
                _("Approve translation"),
                _approve_url(snippet, next_url),
                icon_name="check",
                priority=90,
            )


@hooks.register("register_log_actions")
def register_import_action(actions):
    actions.register_action(
        ADMINISTRATIVE_IMPORT,
        _("Administrative import"),
        _("Published directly by the load_memo_content import, without the Legal review workflow"),
    )
