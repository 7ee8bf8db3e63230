from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("", views.index, name="index"),
    path("guide/", views.guide, name="guide"),
    path("guide/<str:code>/", views.item, name="item"),
    path("register/", views.register, name="register"),
    path("counselling/", views.counselling, name="counselling"),
    path("counselling/refer/", views.refer, name="refer"),
    path("counselling/<int:pk>/", views.counselling_request, name="counselling_request"),
]
