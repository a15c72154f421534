"""Admin rules that span the apps.

Translators edit translations, never the source. Django's model permissions
are not per language: the `change` permission Translators need for the
Spanish copy of a policy statement or hotline would also let them change the
English original (the verbatim quote of the memo). Wagtail's page
permissions are per tree, so pages need no such rule.
"""

from django.conf import settings
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.models import TranslatableMixin

from core.roles import EDITORS, MODERATORS, TRANSLATORS


def edits_translations_only(user) -> bool:
    """Whether `user` is a Translator and nothing more (no Editor, Moderator or superuser)."""
    if user.is_superuser:
        return False
    groups = set(user.groups.values_list("name", flat=True))
    return TRANSLATORS in groups and not groups & {EDITORS, MODERATORS}


def is_source(instance) -> bool:
    """Whether a translatable object is in the source language."""
    return (
        isinstance(instance, TranslatableMixin)
        and instance.locale.language_code == settings.LANGUAGE_CODE
    )


@hooks.register("before_edit_snippet")
def translators_leave_the_source_alone(request, instance):
    if is_source(instance) and edits_translations_only(request.user):
        return permission_denied(request)
    return None
