from django.urls import path

from advocacy.api import views

urlpatterns = [
    path("alerts/", views.AlertList.as_view(), name="api-alerts"),
    path("areas/", views.AreaList.as_view(), name="api-areas"),
    path("topics/", views.TopicList.as_view(), name="api-topics"),
    path("subscriptions/", views.SubscriptionCreate.as_view(), name="api-subscriptions"),
    path(
        "subscriptions/confirm/",
        views.SubscriptionConfirm.as_view(),
        name="api-subscriptions-confirm",
    ),
    path("subscriptions/me/", views.SubscriptionMe.as_view(), name="api-subscriptions-me"),
]
