"""Thin views of the project itself: two-factor enrolment and verification, search, health."""

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cms import search, two_factor
from cms.forms import TwoFactorCodeForm


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    return two_factor.safe_next(target, request.get_host(), request.is_secure())


@never_cache
@login_required(login_url="/admin/login/")
def two_factor_setup(request):
    if two_factor.is_enrolled(request.user):
        return redirect(
            f"{reverse('two_factor_verify')}?{urlencode({'next': _safe_next(request)})}"
        )
    device = two_factor.pending_totp_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request, device, form.cleaned_data["token"])
        if codes is not None:
            return render(
                request,
                "cms/two_factor/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        form.add_error(
            "token",
            _("That code did not match. Check the time on your phone and try the newest code."),
        )
    return render(
        request,
        "cms/two_factor/setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_display(device),
            "next": _safe_next(request),
        },
    )


@never_cache
@login_required(login_url="/admin/login/")
def two_factor_verify(request):
    if not two_factor.is_enrolled(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _safe_next(request)})}")
    form = TwoFactorCodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error("token", _("That code did not match."))
    return render(
        request, "cms/two_factor/verify.html", {"form": form, "next": _safe_next(request)}
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
