from django.urls import path

from . import views

app_name = "suggest"
urlpatterns = [
    path("", views.for_form, name="for_form"),
    path("accuracy/", views.accuracy, name="accuracy"),
]
