from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("hello/", views.hello, name="hello"),
    path("send/report/", views.send_report, name="send_report"),
    path("send/patrol/", views.send_patrol, name="send_patrol"),
    path("send/step/<str:code>/<str:action>/", views.send_step, name="send_step"),
]
