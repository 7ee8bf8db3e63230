from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("grids.json", views.grid_map, name="grid_map"),
    path("places.json", views.places, name="places"),
    path("search/", views.search, name="search"),
    path("locate/", views.locate, name="locate"),
]
