from django.urls import path

from . import views

app_name = "emergencies"
urlpatterns = [path("", views.index, name="index")]
