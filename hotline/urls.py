from django.urls import path

from . import views

app_name = "hotline"
urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:batch_id>/", views.batch, name="batch"),
    path("<int:batch_id>/errors/", views.error_report, name="errors"),
]
