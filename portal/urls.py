from django.urls import path

from . import public_views, staff_views, views

app_name = "portal"

# Mounted at the site's root: the residents' side needs no account.
urlpatterns = [
    path("", views.front_door, name="front_door"),
    path("report/", views.report, name="report"),
    path("report/details/", views.report_details, name="report_details"),
    path("me-too/<str:code>/", views.me_too, name="me_too"),
    path("follow/<str:key>/", views.follow, name="follow"),
    path("track/", views.find_case, name="find"),
    path("track/cases/", public_views.public_cases_page, name="public_cases"),
    path("track/cases.geojson", public_views.public_cases_geojson, name="public_cases_geojson"),
    path("track/<str:code>/", views.track, name="track"),
    # staff
    path("review/", staff_views.review_queue, name="review"),
    path("review/<int:pk>/release/", staff_views.review_release, name="review_release"),
    path("callbacks/", staff_views.callback_list, name="callbacks"),
]
