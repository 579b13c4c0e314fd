"""Login: it works, it says what is wrong, and it stops guessing."""

from django.urls import reverse

from tests.conftest import PASSWORD
from tuyengiao.accounts.models import LoginFailure


def test_login_with_right_password(client, province_officer):
    response = client.post(reverse("accounts:login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_refused_and_counted(client, province_officer):
    response = client.post(reverse("accounts:login"), {"username": "tinh", "password": "sai"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert LoginFailure.objects.filter(username="tinh").count() == 1


def test_too_many_failures_lock_even_the_right_password(client, province_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "tinh", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert any(e.code == "throttled" for e in response.context["form"].errors.as_data()["__all__"])


def test_success_clears_the_failures(client, province_officer):
    client.post(reverse("accounts:login"), {"username": "tinh", "password": "sai"})
    client.post(reverse("accounts:login"), {"username": "tinh", "password": PASSWORD})
    assert not LoginFailure.objects.filter(username="tinh").exists()


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_logout_needs_post(client, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_user_changes_own_password_and_stays_logged_in(client, province_officer):
    from tuyengiao.core.models import AuditEntry

    client.force_login(province_officer)
    response = client.post(
        reverse("accounts:password"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert response.status_code == 302
    province_officer.refresh_from_db()
    assert province_officer.check_password("Mat-khau-moi-2026!")
    assert client.get(reverse("orgs:tree")).status_code == 200
    assert AuditEntry.objects.filter(action="account.password", actor=province_officer).exists()


def test_wrong_old_password_changes_nothing(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("accounts:password"),
        {
            "old_password": "sai",
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert response.context["form"].errors["old_password"]
    province_officer.refresh_from_db()
    assert province_officer.check_password(PASSWORD)
