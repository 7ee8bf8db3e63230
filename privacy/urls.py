from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("reveals/", views.reveal_log, name="log"),
    path("fields/", views.personal_fields, name="fields"),
    path("requests/", views.person_request, name="person_request"),
    path("cases/<str:code>/reveal/<str:key>/", views.reveal, name="reveal"),
    path("cases/<str:code>/reveal/<str:key>/<int:item>/", views.reveal, name="reveal_item"),
]
