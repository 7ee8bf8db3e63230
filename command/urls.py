from django.urls import path

from . import views

app_name = "command"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("recurring/", views.recurring_page, name="recurring"),
    path("recurring/screen/", views.screen, name="screen"),
    path("risk/", views.risk_page, name="risk"),
    path("league/", views.league_page, name="league"),
    path("cases/", views.cases_page, name="cases"),
    path("staff/<str:username>/", views.staff_page, name="staff"),
    path("report/", views.report_page, name="report"),
    path("report.xlsx", views.report_workbook, name="report_xlsx"),
    path("outlines.json", views.outlines, name="outlines"),
    path("live/", views.live, name="live"),
    path("export.xlsx", views.export, {"form": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"form": "csv"}, name="export_csv"),
]
