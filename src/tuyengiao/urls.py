"""URL map: one include per app."""

from django.urls import include, path

from tuyengiao.api import api

urlpatterns = [
    path("", include("tuyengiao.web.urls")),
    path("accounts/", include("tuyengiao.accounts.urls")),
    path("orgs/", include("tuyengiao.orgs.urls")),
    path("orgs/excel/", include("tuyengiao.orgs.urls_io")),
    path("people/", include("tuyengiao.orgs.urls_people")),
    path("users/", include("tuyengiao.orgs.urls_accounts")),
    path("plans/", include("tuyengiao.plans.urls")),
    path("dashboard/", include("tuyengiao.reporting.urls_dashboard")),
    # The more specific prefixes first: reports/<form>/<period>/<unit>/ would take them.
    path("reports/excel/", include("tuyengiao.reporting.urls_excel")),
    path("reports/status/", include("tuyengiao.reporting.urls_status")),
    path("reports/", include("tuyengiao.reporting.urls")),
    # The more specific prefixes first: activities/<id>/ would take them.
    path("activities/campaigns/", include("tuyengiao.activities.urls_campaigns")),
    path("activities/progress/", include("tuyengiao.activities.urls_progress")),
    path("activities/trainings/", include("tuyengiao.activities.urls_trainings")),
    path("activities/cultural/", include("tuyengiao.activities.urls_cultural")),
    path("activities/", include("tuyengiao.activities.urls")),
    # The public pages of legal questions: no account needed.
    path("hoi-dap/", include(("tuyengiao.voice.urls_questions", "questions"))),
    path("voice/problems/", include(("tuyengiao.voice.urls_problems", "problems"))),
    path("voice/", include("tuyengiao.voice.urls")),
    path("media/", include("tuyengiao.media.urls")),
    path("reviews/", include("tuyengiao.reviews.urls")),
    path("outbox/", include("tuyengiao.core.urls")),
    path("api/v1/", api.urls),
]
