from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<fmt:fmt>", views.discovery, name="discovery"),
    path("services.<fmt:fmt>", views.services, name="services"),
    path("services/<str:code>.<fmt:fmt>", views.service_definition, name="service"),
    path("requests.<fmt:fmt>", views.service_requests, name="requests"),
    path("requests/<str:code>.<fmt:fmt>", views.service_request, name="request"),
    path("tokens/<str:token>.<fmt:fmt>", views.token, name="token"),
    path(
        "servicerequestupdates.<fmt:fmt>",
        views.service_request_updates,
        name="updates",
    ),
]
