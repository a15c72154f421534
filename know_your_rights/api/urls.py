from django.urls import path

from know_your_rights.api import history_views, views

urlpatterns = [
    path("guides/", views.GuideList.as_view(), name="api-guides"),
    path("guides/<int:pk>/", views.GuideDetail.as_view(), name="api-guide"),
    path("policy-statements/", views.PolicyStatementList.as_view(), name="api-policy-statements"),
    path(
        "policy-statements/<int:pk>/history/",
        history_views.PolicyStatementHistory.as_view(),
        name="api-policy-statement-history",
    ),
    path("policy-changes/", history_views.PolicyChangeList.as_view(), name="api-policy-changes"),
    path("hotlines/", views.HotlineList.as_view(), name="api-hotlines"),
]
