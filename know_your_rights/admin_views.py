"""Admin view: approve a machine-made translation (Editors and Moderators)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.models import Page

from know_your_rights.review import approve, needs_review

APPROVE_PERMISSION = "know_your_rights.approve_translation"


def approve_translation(request, content_type_id: int, object_id: str):
    """GET asks for confirmation; POST records the approval and goes back."""
    if not request.user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        obj = model.objects.get(pk=object_id)
    except Exception as error:  # unknown type or object: same answer for both
        raise Http404 from error
    if isinstance(obj, Page):
        obj = obj.specific
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        try:
            approve(obj, request.user)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Translation approved: %(title)s") % {"title": obj})
        return redirect(next_url or "wagtailadmin_home")
    return TemplateResponse(
        request,
        "know_your_rights/admin/approve_translation.html",
        {"object": obj, "needs_review": needs_review(obj), "next": next_url},
    )
