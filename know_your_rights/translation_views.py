"""Admin views: "Translate this page" / "Translate" open the new translation.

wagtail-localize opens the translation editor only when one language was
chosen; for several it returns to the page list (pages) or to the source
(snippets), and the person has to find the translation they meant to work
on. These subclasses open the translation in the first chosen language (in
the order the form lists them) and say where the others are. A ``next`` URL
given explicitly still wins, as in wagtail-localize.

They answer at wagtail-localize's own paths (registered ahead of its URLs in
``know_your_rights.wagtail_hooks``), so every "Translate" link uses them.
"""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView,
    SubmitSnippetTranslationView,
)


class OpensTheTranslationMixin:
    chosen_locales: list = []

    def form_valid(self, form):
        self.chosen_locales = list(form.cleaned_data["locales"])
        return super().form_valid(form)

    def get_default_success_url(self, translated_object=None):
        if translated_object is None and len(self.chosen_locales) > 1:
            translated_object = self.object.get_translation_or_none(self.chosen_locales[0])
            if translated_object is not None:
                others = ", ".join(locale.get_display_name() for locale in self.chosen_locales[1:])
                messages.info(
                    self.request,
                    _(
                        "This is the %(language)s translation. The others (%(others)s) are "
                        "listed under Translations in the language menu of this page."
                    )
                    % {"language": self.chosen_locales[0].get_display_name(), "others": others},
                )
        return super().get_default_success_url(translated_object)


class SubmitPageTranslationOpeningIt(OpensTheTranslationMixin, SubmitPageTranslationView):
    pass


class SubmitSnippetTranslationOpeningIt(OpensTheTranslationMixin, SubmitSnippetTranslationView):
    pass
