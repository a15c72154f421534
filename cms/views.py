"""Thin views of the project itself: two-factor enrolment and verification, search, health."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cms import search, two_factor


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/admin/"


@never_cache
@login_required(login_url="/admin/login/")
def two_factor_setup(request):
    if two_factor.is_enrolled(request.user):
        return redirect("two_factor_verify")
    device = two_factor.pending_totp_device(request.user)
    error = None
    if request.method == "POST":
        codes = two_factor.confirm_enrolment(request, device, request.POST.get("token", ""))
        if codes is not None:
            return render(
                request,
                "cms/two_factor/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        error = _("That code did not match. Check the time on your phone and try the newest code.")
    return render(
        request,
        "cms/two_factor/setup.html",
        {
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_display(device),
            "error": error,
            "next": _safe_next(request),
        },
    )


@never_cache
@login_required(login_url="/admin/login/")
def two_factor_verify(request):
    if not two_factor.is_enrolled(request.user):
        return redirect("two_factor_setup")
    error = None
    if request.method == "POST":
        if two_factor.verify(request, request.POST.get("token", "")):
            return redirect(_safe_next(request))
        error = _("That code did not match.")
    return render(
        request, "cms/two_factor/verify.html", {"error": error, "next": _safe_next(request)}
    )


@never_cache
def two_factor_cancel(request):
    logout(request)
    return redirect("/admin/login/")


def search_view(request):
    """`/<lang>/search/?q=`: guides and alerts in the reader's language."""
    query = search.clean_query(request.GET.get("q"))
    language = request.LANGUAGE_CODE
    results = search.search_pages(query, language) if query else []
    return render(
        request,
        "cms/search.html",
        {"query": query, "results": results, "max_length": search.MAX_QUERY_LENGTH},
    )


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
