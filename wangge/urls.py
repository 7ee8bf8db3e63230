from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from wangge import views

admin.site.site_header = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:inbox", permanent=False)),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("territory/", include("territory.urls")),
    path("cases/", include("cases.urls")),
    path("privacy/", include("privacy.urls")),
    path("rollup/", include("rollup.urls")),
    path("admin/", admin.site.urls),
]
