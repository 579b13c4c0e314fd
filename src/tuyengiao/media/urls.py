"""Media pages: the news the unions published."""

from django.urls import include, path

from tuyengiao.media import views_news

app_name = "media"
urlpatterns = [
    path("news/", views_news.news_list, name="news"),
    path("news/new/", views_news.news_new, name="news_new"),
    path("news/<int:post_id>/", views_news.news_edit, name="news_edit"),
    path("news/<int:post_id>/delete/", views_news.news_delete, name="news_delete"),
    path("monitor/", include("tuyengiao.media.urls_monitor")),
    path("insights/", include("tuyengiao.media.urls_insights")),
    path("", include("tuyengiao.media.urls_sources")),
]
