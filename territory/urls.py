from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("grids.json", views.grid_map, name="grid_map"),
    path("locate/", views.locate, name="locate"),
]
