"""`?page=` and `?page_size=` with a hard maximum; `{count, next, previous, results}`.

`next` and `previous` are built on SITE_URL, never on the request's Host:
answers are cached and served to everyone.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.absolute_urls import absolute_url


def _positive_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValidationError({name: [f"{name} must be a whole number of at least 1."]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    """A page size above the maximum gets the maximum; a bad number is a 400."""

    page_size_query_param = "page_size"

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        requested = _positive_int(request, self.page_size_query_param)
        if requested is None:
            return self.page_size
        return min(requested, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        _positive_int(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def _link_to(self, page_number: int) -> str:
        url = absolute_url(self.request.get_full_path())
        if page_number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, page_number)

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return self._link_to(self.page.next_page_number())

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        return self._link_to(self.page.previous_page_number())
