"""Admin views of the flyer builder (``know_your_rights.flyer_builder``): the form
with its preview, the preview image, and the PDF. Editors, Moderators and
Translators only; everyone else gets 403."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from know_your_rights.flyer_builder import (
    FlyerBuilderForm,
    PreviewUnavailable,
    flyers_filename,
    flyers_pdf,
    may_build_flyers,
    preview_available,
    preview_png,
    untranslated,
)


def _refused(request) -> TemplateResponse:
    """403 in the admin's frame (Wagtail's own refusal would redirect to the dashboard)."""
    return TemplateResponse(
        request,
        "know_your_rights/admin/flyer_builder_refused.html",
        {"page_title": _("Flyer builder"), "header_icon": "doc-full-inverse"},
        status=403,
    )


def _checked_form(request):
    """The builder's form bound to the query, or None when nothing was asked yet."""
    return FlyerBuilderForm(request.GET) if request.GET else None


def _form_errors(form) -> HttpResponseBadRequest:
    text = "\n".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


class FlyerBuilderView(WagtailAdminTemplateMixin, TemplateView):
    """The form; once it is valid, the preview image and the download link."""

    template_name = "know_your_rights/admin/flyer_builder.html"
    page_title = gettext_lazy("Flyer builder")
    header_icon = "doc-full-inverse"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not may_build_flyers(request.user):
            return _refused(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _checked_form(self.request)
        context["form"] = form or FlyerBuilderForm()
        if form is not None and form.is_valid():
            flyers = form.flyer_request()
            query = self.request.GET.urlencode()
            context.update(
                flyers=flyers,
                untranslated=untranslated(flyers),
                filename=flyers_filename(flyers),
                pdf_url=f"{reverse('know_your_rights_flyer_builder_pdf')}?{query}",
                preview_url=(
                    f"{reverse('know_your_rights_flyer_builder_preview')}?{query}"
                    if preview_available()
                    else None
                ),
            )
        return context


def flyer_builder_preview(request):
    """The first chosen guide's flyer as a small PNG (400 for a bad query, 503 with no pdftoppm)."""
    if not may_build_flyers(request.user):
        return _refused(request)
    form = _checked_form(request)
    if form is None or not form.is_valid():
        return _form_errors(form or FlyerBuilderForm({}))
    try:
        png = preview_png(request, form.flyer_request())
    except PreviewUnavailable:
        return HttpResponse(
            _("No preview can be drawn on this server."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def flyer_builder_pdf(request):
    """One PDF with a flyer per chosen guide, as an attachment (400 for a bad query)."""
    if not may_build_flyers(request.user):
        return _refused(request)
    form = _checked_form(request)
    if form is None or not form.is_valid():
        return _form_errors(form or FlyerBuilderForm({}))
    flyers = form.flyer_request()
    response = HttpResponse(flyers_pdf(request, flyers), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{flyers_filename(flyers)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def admin_urls():
    """URL patterns for ``register_admin_urls``."""
    return [
        path("flyers/", FlyerBuilderView.as_view(), name="know_your_rights_flyer_builder"),
        path(
            "flyers/preview.png",
            flyer_builder_preview,
            name="know_your_rights_flyer_builder_preview",
        ),
        path("flyers/pdf/", flyer_builder_pdf, name="know_your_rights_flyer_builder_pdf"),
    ]
