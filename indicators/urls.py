from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:data_set_code>/<str:period>/", views.table, name="table"),
    path("<slug:data_set_code>/<str:period>/import/", views.import_view, name="import"),
    path("<slug:data_set_code>/<str:period>/<str:region_code>/", views.report, name="report"),
]
