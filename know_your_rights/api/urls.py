from django.urls import path

from know_your_rights.api import views

urlpatterns = [
    path("guides/", views.GuideList.as_view(), name="api-guides"),
    path("guides/<int:pk>/", views.GuideDetail.as_view(), name="api-guide"),
    path("policy-statements/", views.PolicyStatementList.as_view(), name="api-policy-statements"),
    path("hotlines/", views.HotlineList.as_view(), name="api-hotlines"),
]
