from django.urls import path

from . import views

app_name = "rollup"
urlpatterns = [path("", views.counts, name="counts")]
