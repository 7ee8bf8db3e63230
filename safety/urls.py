from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/new/", views.register, name="register"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("photos/<int:photo_id>/", views.inspection_photo, name="photo"),
]
