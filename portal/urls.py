from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.find_case, name="find"),
    path("<str:code>/", views.track, name="track"),
]
