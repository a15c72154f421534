"""`/audio/<name>`, outside i18n_patterns (``cms.urls``): a guide's audio file has no language prefix."""

from django.urls import path

from know_your_rights.audio_views import serve_audio

urlpatterns = [
    path("audio/<str:name>", serve_audio, name="guide_audio_file"),
]
