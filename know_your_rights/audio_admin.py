"""Admin: a guide page's audio (upload a recording, remove it, confirm it is current)
and the "Recording older than text" flag, shown where stale translations are.

Anyone who may edit the guide page may manage its audio. The rules live in
``know_your_rights.audio``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import widgets as wagtailadmin_widgets

from know_your_rights import audio
from know_your_rights.models import GuidePage

URL_NAME = "know_your_rights_guide_audio"


class RecordingForm(forms.Form):
    recording = forms.FileField(
        label=gettext_lazy("Recording"),
        widget=forms.ClearableFileInput(attrs={"accept": "audio/ogg,audio/mpeg,audio/mp4"}),
    )


def _editable_guide(request, page_id: int) -> GuidePage:
    page = get_object_or_404(GuidePage.objects.select_related("locale"), pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def guide_audio_view(request, page_id: int):
    """GET shows the page's audio; POST uploads (`recording`), removes or confirms it."""
    page = _editable_guide(request, page_id)
    current = audio.audio_of(page)
    form = RecordingForm()
    if request.method == "POST":
        action = request.POST.get("action", "upload")
        if action == "remove" and current is not None:
            audio.remove_audio(current)
            # With the recording gone, the computer voice may read the guide again.
            audio.queue_guide_audio(page.pk)
            messages.success(request, _("The audio was removed."))
            return redirect(URL_NAME, page.pk)
        if action == "confirm" and current is not None:
            audio.confirm_recording_current(current)
            messages.success(request, _("The recording is marked as matching the guide."))
            return redirect(URL_NAME, page.pk)
        form = RecordingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                audio.save_recording(page, form.cleaned_data["recording"])
            except audio.AudioRejected as rejected:
                form.add_error("recording", str(rejected))
            else:
                messages.success(request, _("The recording was saved. Readers hear it now."))
                return redirect(URL_NAME, page.pk)
    return TemplateResponse(
        request,
        "know_your_rights/admin/guide_audio.html",
        {
            "page": page,
            "audio": current,
            "stale": audio.recording_is_stale(current, page),
            "form": form,
            "max_size": filesizeformat(audio.max_upload_bytes()),
            "max_minutes": f"{audio.max_upload_seconds() / 60:g}",
            "has_voice": audio.voice_for(page.locale.language_code) is not None,
            "voice_on": audio.computer_voice_for(page.locale.language_code) is not None,
        },
        status=400 if form.errors else 200,
    )


@hooks.register("register_admin_urls")
def register_guide_audio_url():
    return [path("know-your-rights/audio/<int:page_id>/", guide_audio_view, name=URL_NAME)]


@hooks.register("register_page_header_buttons")
def guide_audio_header_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, GuidePage):
        yield wagtailadmin_widgets.Button(
            _("Audio"), reverse(URL_NAME, args=[page.pk]), icon_name="media", priority=95
        )


def _stale_guide(page) -> GuidePage | None:
    """The guide page if its uploaded recording is older than its text, else None."""
    if page.specific_class is not GuidePage:
        return None
    guide = GuidePage.objects.filter(pk=page.pk).first()
    if guide is None or not audio.recording_is_stale(audio.audio_of(guide), guide):
        return None
    return guide


@hooks.register("register_page_listing_buttons")
def stale_recording_in_page_listing(page, user, next_url=None):
    # Beside the title like "English changed": a state, not an action.
    if _stale_guide(page) is not None:
        yield wagtailadmin_widgets.ListingButton(
            _("Recording older than text"),
            reverse(URL_NAME, args=[page.pk]),
            icon_name="warning",
            attrs={"data-audio-state": "recording-stale"},
            priority=7,
        )


@hooks.register("register_page_listing_more_buttons")
def guide_audio_listing_button(page, user, next_url=None):
    # Translated pages open in wagtail-localize's editor, which has no header buttons.
    if page.specific_class is GuidePage:
        yield wagtailadmin_widgets.Button(
            _("Audio"), reverse(URL_NAME, args=[page.pk]), icon_name="media", priority=95
        )


@hooks.register("before_edit_page", order=-10)
def stale_recording_in_page_editor(request, page):
    if request.method == "GET" and _stale_guide(page) is not None:
        messages.warning(
            request,
            _(
                "The recording of this guide was made before its latest publish: it may not "
                "match the text. Upload a new recording, or confirm it still matches, on the "
                "guide's Audio screen."
            ),
        )
