from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.surveys, name="surveys"),
    path("<int:pk>/", views.results, name="results"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("answer/<str:key>/", views.answer, name="answer"),
    path("answer/<str:key>/thanks/", views.thanks, name="thanks"),
    path("activities/", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/photos/<int:photo_id>/", views.activity_photo, name="activity_photo"),
]
