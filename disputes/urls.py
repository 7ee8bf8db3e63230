from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/agreement/", views.agreement, name="agreement"),
]
