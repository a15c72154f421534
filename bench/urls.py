"""The site's URLs plus bare views to compare against, for `make bench` only."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from cms.urls import urlpatterns as site_urlpatterns


@never_cache
def bare_view(request):
    # The cheapest Django view the same server can answer, through the same
    # middleware, and never from the page cache: the yardstick.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view), *site_urlpatterns]
