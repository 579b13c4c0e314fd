"""Monitoring pages for the province's overview and the classifier models (included from
media.urls, in its namespace)."""

from django.urls import path

from tuyengiao.media import views_models, views_overview

urlpatterns = [
    path("", views_overview.overview_page, name="overview"),
    path("models/", views_models.models_page, name="models"),
    path("models/<int:model_id>/", views_models.model_row, name="model"),
    path("models/<int:model_id>/switch/", views_models.model_switch, name="model_switch"),
    path("models/default/", views_models.model_default, name="model_default"),
]
