"""The site's URLs plus a bare DRF view to compare the API against (`make bench` only)."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.urls import urlpatterns as site_urlpatterns


class BareView(APIView):
    """The cheapest DRF view the same server can answer: JSON, no database."""

    def get(self, request):
        return Response({"count": 0, "next": None, "previous": None, "results": []})


urlpatterns = [path("bench/bare-drf/", BareView.as_view()), *site_urlpatterns]
