from django.urls import path

from . import views

app_name = "workreport"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("<int:year>.docx", views.report_docx, name="docx"),
]
