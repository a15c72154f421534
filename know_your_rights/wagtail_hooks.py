"""Admin: snippets, the "Approve translation" action and the import log action."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import widgets as wagtailadmin_widgets
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

# Registers the flyer builder's URLs and menu item (Wagtail imports only this module).
from know_your_rights import flyer_builder_hooks  # noqa: F401
from know_your_rights.admin_views import APPROVE_PERMISSION, approve_translation
from know_your_rights.models import Hotline, PolicySource, PolicyStatement
from know_your_rights.review import approval_of, english_updated_at, is_translation, needs_review
from know_your_rights.seeding import ADMINISTRATIVE_IMPORT
from know_your_rights.tracker_statement_editor import (
    PolicyStatementCopyView,
    PolicyStatementCreateView,
    PolicyStatementEditView,
)
from know_your_rights.translation_views import (
    SubmitPageTranslationOpeningIt,
    SubmitSnippetTranslationOpeningIt,
)


class ReviewColumn(Column):
    """ "Needs review" for translations no person has approved as they are, and
    "English changed" for those whose source changed since they were written."""

    def get_value(self, instance):
        states = []
        if needs_review(instance):
            states.append(str(_("Needs review")))
        if english_updated_at(instance) is not None:
            states.append(str(_("English changed")))
        return ", ".join(states) or "—"


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
    # Its header menu offers the policy tracker's History / Record a change / Record a verification.
    edit_view_class = PolicyStatementEditView
    # History-owned fields read-only once created; creating records the first version.
    add_view_class = PolicyStatementCreateView
    copy_view_class = PolicyStatementCopyView
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
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@hooks.register("register_admin_urls")
def register_approve_url():
    return [
        path(
            "know-your-rights/approve/<int:content_type_id>/<str:object_id>/",
            approve_translation,
            name="know_your_rights_approve_translation",
        )
    ]


@hooks.register("register_admin_urls")
def translate_opens_the_translation():
    # wagtail-localize's own paths, matched before its URLs (this app comes first).
    return [
        path("localize/submit/page/<int:page_id>/", SubmitPageTranslationOpeningIt.as_view()),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            SubmitSnippetTranslationOpeningIt.as_view(),
        ),
    ]


def _review_message(obj) -> str:
    if approval_of(obj) is None:
        return _("Needs review: no person has approved this translation yet.")
    return _("Needs review: the translation changed after it was last approved.")


def _english_changed_message(changed_at) -> str:
    return _(
        "The English version changed on %(date)s. Translate the new or changed text, "
        "then publish to bring this translation up to date."
    ) % {"date": date_format(localtime(changed_at), "DATE_FORMAT")}


def _show_translation_state(request, obj) -> None:
    """Say in the editor (wagtail-localize's or Wagtail's) what state this translation is in."""
    if request.method != "GET" or not isinstance(obj, TranslatableMixin):
        return
    if not is_translation(obj):
        return
    if needs_review(obj):
        text = _review_message(obj)
        if request.user.has_perm(APPROVE_PERMISSION):
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    text,
                    _approve_url(obj, request.get_full_path()),
                    _("Approve translation"),
                ),
            )
        else:
            messages.warning(request, text)
    changed_at = english_updated_at(obj)
    if changed_at is not None:
        messages.warning(request, _english_changed_message(changed_at))


# Before wagtail-localize's own hooks (order 0), which answer with its editor.
@hooks.register("before_edit_page", order=-10)
def translation_state_in_page_editor(request, page):
    _show_translation_state(request, page.specific)


@hooks.register("before_edit_snippet", order=-10)
def translation_state_in_snippet_editor(request, instance):
    _show_translation_state(request, instance)


@hooks.register("register_page_listing_buttons")
def translation_state_in_page_listing(page, user, next_url=None):
    # Shown beside the title, not in the "More" menu: a state, not an action.
    if page.locale_id == Locale.get_default().pk:
        return
    if needs_review(page):
        url = _approve_url(page, next_url) if user.has_perm(APPROVE_PERMISSION) else None
        yield wagtailadmin_widgets.ListingButton(
            _("Needs review"),
            url or reverse("wagtailadmin_pages:edit", args=[page.pk]),
            icon_name="warning",
            attrs={"data-translation-state": "needs-review"},
            priority=5,
        )
    if english_updated_at(page) is not None:
        yield wagtailadmin_widgets.ListingButton(
            _("English changed"),
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            icon_name="warning",
            attrs={"data-translation-state": "english-changed"},
            priority=6,
        )


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
