"""Monitoring pages, under media/monitor/ in the media namespace: the triage queue, items,
topics and the cases opened from items."""

from django.urls import path

from tuyengiao.media import views_item_cases, views_queue, views_topics

urlpatterns = [
    path("", views_queue.queue, name="queue"),
    path("items/<int:item_id>/", views_queue.item_detail, name="item"),
    path("items/<int:item_id>/label/", views_queue.item_label, name="item_label"),
    path("items/<int:item_id>/dismiss/", views_queue.item_dismiss, name="item_dismiss"),
    path("items/<int:item_id>/restore/", views_queue.item_restore, name="item_restore"),
    path("items/<int:item_id>/case/", views_queue.item_case_open, name="item_case_open"),
    path("topics/", views_topics.topic_list, name="topics"),
    path("topics/new/", views_topics.topic_new, name="topic_new"),
    path("topics/<int:topic_id>/", views_topics.topic_edit, name="topic_edit"),
    path("topics/<int:topic_id>/active/", views_topics.topic_active, name="topic_active"),
    path("cases/", views_item_cases.case_list, name="cases"),
    path("cases/mine/", views_item_cases.my_cases, name="my_cases"),
    path("cases/<int:case_id>/", views_item_cases.case_detail, name="case"),
    path("cases/<int:case_id>/assign/", views_item_cases.case_assign, name="case_assign"),
    path("cases/<int:case_id>/move/", views_item_cases.case_move, name="case_move"),
    path("cases/<int:case_id>/step/", views_item_cases.case_step, name="case_step"),
    path("cases/<int:case_id>/reopen/", views_item_cases.case_reopen, name="case_reopen"),
]
