from django.urls import path

from . import views

app_name = "patrols"
urlpatterns = [
    path("", views.index, name="index"),
    path("coverage/", views.coverage, name="coverage"),
]
