"""Admin view: approve a translation as it is now (Editors and Moderators)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.models import Page, TranslatableMixin

from know_your_rights.review import approval_of, approve, is_translation, needs_review

APPROVE_PERMISSION = "know_your_rights.approve_translation"


def _translatable_object(content_type_id: int, object_id: str):
    """The page or snippet to approve; 404 for an unknown, removed or untranslatable one."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist as error:
        raise Http404("No such content type.") from error
    if model is None or not issubclass(model, TranslatableMixin):
        raise Http404("Only pages and snippets that are translated can be approved.")
    try:
        return model._default_manager.get(pk=object_id)
    except (model.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such object.") from error


def approve_translation(request, content_type_id: int, object_id: str):
    """GET asks for confirmation; POST records the approval and goes back."""
    if not request.user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    obj = _translatable_object(content_type_id, object_id)
    if isinstance(obj, Page):
        obj = obj.specific
    if not is_translation(obj):
        raise Http404("This is the source, not a translation: there is nothing to approve.")
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        approve(obj, request.user)
        messages.success(request, _("Translation approved: %(title)s") % {"title": obj})
        return redirect(next_url or "wagtailadmin_home")
    return TemplateResponse(
        request,
        "know_your_rights/admin/approve_translation.html",
        {
            "object": obj,
            "needs_review": needs_review(obj),
            "approval": approval_of(obj),
            "has_unpublished_changes": getattr(obj, "has_unpublished_changes", False),
            "next": next_url,
        },
    )
