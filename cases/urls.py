from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("report/", views.report, name="report"),
    path("report/details/", views.report_details, name="report_details"),
    path("figures/", views.figures, name="figures"),
    path("go/", views.go_to_case, name="go"),
    path("overview/", views.overview, name="overview"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/act/<str:action>/", views.case_act, name="act"),
    path("<str:code>/photos/<int:photo_id>/", views.case_photo, name="photo"),
]
