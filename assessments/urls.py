from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("filings/", views.filings, name="filings"),
]
