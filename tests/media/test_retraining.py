"""Retraining from the labels people made: the latest label of each item, within the scope of
whoever asks; refused with a clear reason when there are too few labels or one class; run in
the background (the page polls its progress) and measured, with the model in use, on held-out
labels; the page shows the evaluations; switching makes the pipeline use the retrained model,
and going back makes it use the default; only the province's staff manage models."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.media import pipeline, retraining
from tuyengiao.media.classifier import default_models
from tuyengiao.media.classifier.defaults import TRAINING_DIR
from tuyengiao.media.models_monitoring import ClassifierModel, Item, Label, Source
from tuyengiao.media.pipeline import Found, ingest
from tuyengiao.media.retraining_selectors import models_for

PER_CLASS = 12  # 36 sentiment labels, above the 30 a retraining needs


def _rows(column: str, per_class: int) -> list[tuple[str, str]]:
    """Texts of the project's test set (phrasings the default model did not learn from)."""
    with (TRAINING_DIR / "test.csv").open(encoding="utf-8") as handle:
        taken: dict[str, list[tuple[str, str]]] = {}
        for row in csv.DictReader(handle):
            got = taken.setdefault(row[column], [])
            if len(got) < per_class:
                got.append((row["text"], row[column]))
    return [pair for pairs in taken.values() for pair in pairs]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _labelled(unit, by, rows, field="sentiment") -> list[Item]:
    source = Source.objects.create(unit=unit, name=f"Nhóm {unit.code}", kind="manual")
    found = [Found(text, address=f"https://example.org/{unit.code}/{i}") for i, (text, _l) in
             enumerate(rows)]  # fmt: skip
    items = ingest(source, found).created
    assert len(items) == len(rows)
    for item, (_text, value) in zip(items, rows, strict=True):
        Label.objects.create(item=item, field=field, value=value, made_by=by)
    return items


@pytest.fixture
def labels(tree, province_officer):
    return _labelled(tree.province, province_officer, _rows("sentiment", PER_CLASS))


def test_the_latest_label_of_each_item_within_the_scope_counts(
    tree, labels, province_officer, outsider
):
    first, second = (item.labels.get().value for item in labels[:2])
    Label.objects.create(item=labels[0], field="sentiment", value="neutral")  # changed mind
    Label.objects.create(item=labels[1], field="sentiment", value="furious")  # not a class
    Label.objects.create(item=labels[2], field="toxic", value="toxic")  # another field
    found = retraining.labelled(province_officer, "sentiment")
    assert len(found.labels) == 3 * PER_CLASS - 1 and found.ignored == 1
    expected = Counter(dict.fromkeys(["negative", "neutral", "positive"], PER_CLASS))
    expected.subtract([first, second])  # replaced by a newer label, and left out
    expected["neutral"] += 1
    assert found.counts == dict(expected)
    assert retraining.labelled(outsider, "sentiment").labels == []  # Yên Khánh's scope


def test_too_few_labels_or_one_class_is_refused_with_the_reason(tree, province_officer):
    _labelled(tree.province, province_officer, _rows("sentiment", 3))
    with pytest.raises(ValidationError) as refused:
        retraining.model_request(province_officer, field_name="sentiment")
    assert "at least 30 labels for this field; there are 9" in str(refused.value)
    negative = [pair for pair in _rows("sentiment", 40) if pair[1] == "negative"]
    _labelled(tree.district, province_officer, negative[:30])
    Label.objects.filter(value__in=["neutral", "positive"]).delete()
    with pytest.raises(ValidationError) as refused:
        retraining.model_request(province_officer, field_name="sentiment")
    assert "All the labels of this field say the same (negative)" in str(refused.value)
    assert not ClassifierModel.objects.exists()


def test_the_split_holds_out_a_quarter_of_each_class_the_same_every_time():
    found = retraining.Labelled(
        texts=[f"t{i}" for i in range(13)], labels=["a"] * 8 + ["b"] * 4 + ["c"]
    )
    learn, held = retraining.split(found)
    assert sorted(held.labels) == ["a", "a", "b"] and learn.labels.count("c") == 1
    assert retraining.split(found)[1].texts == held.texts
    assert sorted(learn.texts + held.texts) == sorted(found.texts)


def test_an_item_and_its_reposts_stay_on_the_same_side(monkeypatch):
    found = retraining.Labelled()
    for i in range(12):
        found.add(f"t{i}", "a" if i < 8 else "b", group=i)
    for i in range(4):
        found.add(f"repost of t{i}", "a", group=i)  # reposts of t0..t3
    for seed in range(5):
        monkeypatch.setattr(retraining, "SEED", seed)
        learn, held = retraining.split(found)
        for i in range(4):
            assert (f"t{i}" in held.texts) == (f"repost of t{i}" in held.texts)
        assert "a" in learn.labels and "b" in learn.labels and "b" in held.labels


def test_a_retraining_runs_in_the_background_and_is_measured_with_the_model_in_use(
    labels, province_officer, media, django_capture_on_commit_callbacks
):
    client = client_for(province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("media:models"), {"field": "sentiment"})
    assert response.status_code == 302
    chosen = ClassifierModel.objects.get()
    assert (chosen.state, chosen.progress, chosen.active) == ("done", 100, False)
    assert chosen.labels_used == 36 and chosen.trained_by == province_officer
    metrics = chosen.metrics
    held = retraining.split(retraining.labelled(province_officer, "sentiment"))[1]
    assert metrics["n"] == metrics["held_out_labels"] == len(held.labels)
    assert 9 <= len(held.labels) <= 12  # a quarter of each class, reposts kept together
    assert set(metrics["f1"]) == {"negative", "neutral", "positive"}
    assert 0 <= metrics["macro_f1"] <= 1 and 0 <= metrics["accuracy"] <= 1
    assert metrics["current"]["model"] is None and metrics["current"]["n"] == len(held.labels)
    assert metrics["trained_on"] == 36 - len(held.labels)
    assert metrics["with_training_set"] is False
    assert chosen.file.name.startswith("classifiers/sentiment-")
    assert AuditEntry.objects.filter(action="media.model.train", actor=province_officer).exists()
    page = client.get(reverse("media:models"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="model-{chosen.pk}"' in page and f"{len(held.labels)} held-out labels" in page
    assert f'<td class="num accuracy">{metrics["accuracy"]:.2f}</td>' in page
    row = client.get(reverse("media:model", args=[chosen.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Switch to this model" in row.content.decode() and "hx-get" not in row.content.decode()


def test_the_project_set_can_join_the_labels(
    labels, province_officer, media, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    small = tmp_path / "train.csv"
    with small.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "sentiment"])
        writer.writerows([(text, label) for text, label in _rows("sentiment", 10)])
    monkeypatch.setattr(retraining, "TRAINING_SET", small)
    with django_capture_on_commit_callbacks(execute=True):
        retraining.model_request(province_officer, field_name="sentiment", with_training_set=True)
    chosen = ClassifierModel.objects.get()
    held = chosen.metrics["held_out_labels"]
    assert chosen.state == "done" and chosen.metrics["trained_on"] == 36 - held + 30
    assert chosen.metrics["with_training_set"] is True


def test_switching_changes_the_model_the_pipeline_uses_and_back(
    labels, province_officer, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        retraining.model_request(province_officer, field_name="sentiment")
    first = ClassifierModel.objects.get()
    default = default_models()["sentiment"]
    assert pipeline.classifiers()["sentiment"] is default
    client = client_for(province_officer)
    assert client.post(reverse("media:model_switch", args=[first.pk])).status_code == 302
    in_use = pipeline.classifiers()["sentiment"]
    assert in_use is not default
    assert in_use.metrics["labels_evaluation"]["macro_f1"] == first.metrics["macro_f1"]
    assert pipeline.classifiers()["toxic"] is default_models()["toxic"]  # other fields stay

    with django_capture_on_commit_callbacks(execute=True):
        retraining.model_request(province_officer, field_name="sentiment")
    second = ClassifierModel.objects.exclude(pk=first.pk).get()
    assert second.metrics["current"]["model"] == first.pk  # measured against the one in use
    retraining.model_activate(province_officer, chosen=second)
    assert list(ClassifierModel.objects.filter(active=True)) == [second]

    client.post(reverse("media:model_default"), {"field": "sentiment"})
    assert not ClassifierModel.objects.filter(active=True).exists()
    assert pipeline.classifiers()["sentiment"] is default
    actions = list(
        AuditEntry.objects.filter(action__startswith="media.model.").values_list(
            "action", flat=True
        )
    )
    assert actions.count("media.model.activate") == 2 and "media.model.default" in actions
    with pytest.raises(ValidationError):
        retraining.model_default(province_officer, field_name="sentiment")


def test_an_unfinished_model_cannot_be_used_and_a_field_trains_once_at_a_time(
    labels, province_officer
):
    queued = retraining.model_request(province_officer, field_name="sentiment")  # not run
    assert queued.state == "queued"
    with pytest.raises(ValidationError, match="being retrained already"):
        retraining.model_request(province_officer, field_name="sentiment")
    with pytest.raises(ValidationError, match="training has finished"):
        retraining.model_activate(province_officer, chosen=queued)
    row = client_for(province_officer).get(reverse("media:model", args=[queued.pk])).content
    assert b'hx-trigger="every 1s"' in row and b"<progress" in row  # the page polls it


def test_a_retraining_whose_labels_went_fails_with_the_reason(labels, province_officer, media):
    queued = retraining.model_request(province_officer, field_name="sentiment")  # not run
    Label.objects.filter(item__in=labels[:20]).delete()
    failed = retraining.model_make(queued.pk)
    assert failed.state == "failed" and "there are 16" in failed.error
    assert not failed.file


def test_the_page_shows_the_default_evaluation_and_the_labels_kept(labels, province_officer):
    fields = {page.field: page for page in models_for(province_officer)}
    assert set(fields) == {"relevant", "sentiment", "toxic", "grievance"}
    sentiment = fields["sentiment"]
    assert sentiment.default.n == default_models()["sentiment"].metrics["test"]["n"]
    assert sentiment.labels == {"Negative": 12, "Neutral": 12, "Positive": 12}
    assert sentiment.problem is None and "at least 30" in fields["toxic"].problem
    page = client_for(province_officer).get(reverse("media:models"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "In use: the default model." in body and "Back to the default" not in body


@pytest.mark.parametrize("who", ["upper_officer", "grassroots_officer", "outsider", "leader"])
def test_only_the_provinces_staff_manage_models(who, request, province_officer, media):
    user = request.getfixturevalue(who)
    chosen = ClassifierModel.objects.create(field="sentiment", file="classifiers/x.npz")
    client = client_for(user)
    assert client.get(reverse("media:models")).status_code == 403
    assert client.post(reverse("media:models"), {"field": "sentiment"}).status_code == 403
    assert client.get(reverse("media:model", args=[chosen.pk])).status_code == 403
    assert client.post(reverse("media:model_switch", args=[chosen.pk])).status_code == 403
    assert client.post(reverse("media:model_default"), {"field": "sentiment"}).status_code == 403
    with pytest.raises(PermissionDenied):
        retraining.model_activate(user, chosen=chosen)
    assert not ClassifierModel.objects.filter(active=True).exists()


def test_the_admin_manages_models_too(admin_user):
    assert client_for(admin_user).get(reverse("media:models")).status_code == 200
