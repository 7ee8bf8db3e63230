from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.views import api
from cases import views as cases_views
from wangge import views

admin.site.site_header = settings.ADMIN_SITE_HEADER
handler403 = "wangge.errors.permission_denied"
handler404 = "wangge.errors.page_not_found"

urlpatterns = [
    path("home/", cases_views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("territory/", include("territory.urls")),
    path("cases/", include("cases.urls")),
    path("disputes/", include("disputes.urls")),
    path("emergencies/", include("emergencies.urls")),
    path("assessments/", include("assessments.urls")),
    path("services/", include("services.urls")),
    path("safety/", include("safety.urls")),
    path("surveys/", include("surveys.urls")),
    path("patrols/", include("patrols.urls")),
    path("field/", include("field.urls")),
    path("indicators/", include("indicators.urls")),
    path("workreport/", include("workreport.urls")),
    path("suggest/", include("suggest.urls")),
    path("privacy/", include("privacy.urls")),
    path("rollup/", include("rollup.urls")),
    path("command/", include("command.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("open311.urls")),
    path("hotline/", include("hotline.urls")),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
]
