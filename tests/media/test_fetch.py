"""Fetching a watched address: within its time, its size and its redirects whatever the
server does; conditional requests; http(s) only; private addresses refused unless allowed."""

from __future__ import annotations

import time

import pytest
from django.utils import translation

from tests.media import sources_server
from tuyengiao.media import fetch
from tuyengiao.media.fetch import FetchError


@pytest.fixture
def server(settings):
    yield from sources_server.running(settings)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _refused(url: str, code: str) -> FetchError:
    with pytest.raises(FetchError) as refused:
        fetch.fetch(url)
    assert refused.value.code == code, refused.value.message
    return refused.value


def test_a_feed_is_read_with_its_headers_and_the_project_named(server):
    fetched = fetch.fetch(server.at("/rss.xml"))
    assert fetched.status == 200 and b"<rss" in fetched.body and fetched.etag == '"v1"'
    assert fetched.content_type.startswith("application/rss+xml")
    sent = server.requests[-1]
    assert "TuyenGiaoCongDoan" in sent["user-agent"] and "if-none-match" not in sent


def test_a_conditional_request_sends_the_tags_back_and_304_is_nothing_new(server):
    fetched = fetch.fetch(
        server.at("/rss.xml"), etag='"v1"', last_modified="Fri, 30 Oct 2026 01:00:00 GMT"
    )
    assert fetched.not_modified and fetched.body == b""
    sent = server.requests[-1]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Fri, 30 Oct 2026 01:00:00 GMT"


def test_redirects_are_followed_a_few_times_and_a_loop_is_stopped(server):
    assert fetch.fetch(server.at("/moved")).url.endswith("/rss.xml")
    error = _refused(server.at("/loop"), "redirects")
    assert "More than 3 redirects" in error.message
    assert len([r for r in server.requests if r["path"].startswith("/loop")]) == 4


def test_a_redirect_to_anything_but_http_is_refused(server):
    _refused(server.at("/to-file"), "scheme")
    _refused("file:///etc/passwd", "scheme")
    _refused("ftp://example.org/feed.xml", "scheme")


def test_a_server_that_never_answers_is_given_up_after_the_timeout(server):
    started = time.monotonic()
    error = _refused(server.at("/never"), "timeout")
    assert time.monotonic() - started < 2 and "0.5 seconds" in error.message


def test_a_server_that_drips_is_stopped_at_the_deadline(server):
    started = time.monotonic()
    _refused(server.at("/drip"), "timeout")
    assert time.monotonic() - started < 4


def test_a_huge_answer_is_cut_and_reported_not_read(server):
    started = time.monotonic()
    error = _refused(server.at("/gigabyte.xml"), "too_large")  # declares 4 GB
    assert "larger than 2 MB" in error.message
    _refused(server.at("/chunked-gigabyte.xml"), "too_large")  # says nothing
    _refused(server.at("/gzip-bomb.xml"), "too_large")  # 60 MB once inflated
    assert time.monotonic() - started < 4


def test_a_compressed_answer_is_inflated(server):
    assert b"<rss" in fetch.fetch(server.at("/gzip.xml")).body


def test_errors_of_the_server_are_named(server):
    assert "error 404" in _refused(server.at("/missing"), "status").message
    assert "error 500" in _refused(server.at("/broken-server"), "status").message


def test_nobody_listening_and_an_unknown_name(server, unused_port):
    _refused(f"http://127.0.0.1:{unused_port}/feed.xml", "connect")
    _refused("http://khong-co-ten-nay.invalid/feed.xml", "dns")


def test_private_addresses_are_refused_unless_allowed(server, settings):
    settings.MONITOR_ALLOW_PRIVATE = False
    error = _refused(server.at("/rss.xml"), "private")
    assert "127.0.0.1" in error.message
    assert not server.requests  # refused before connecting
    _refused("http://localhost:1/feed.xml", "private")
    _refused("http://[::1]:1/feed.xml", "private")


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True),
        ("203.113.131.1", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),  # the cloud's metadata service
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address judged, not bound
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2001:4860:4860::8888", True),
    ],
)
def test_which_addresses_are_public(ip, public):
    assert fetch.is_public(ip) is public


def test_the_charset_of_a_content_type():
    assert fetch.charset("text/xml; charset=ISO-8859-1") == "iso-8859-1"
    assert fetch.charset('application/rss+xml; charset="utf-8"') == "utf-8"
    assert fetch.charset("text/html") == ""


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def https_server(server, tmp_path):
    """The fixture server's routes over TLS, with a certificate for 127.0.0.1 signed by
    nobody the system trusts."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import ThreadingHTTPServer

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), sources_server.handler(server))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", cert
    httpd.shutdown()
    httpd.server_close()


def test_https_checks_the_certificate_of_the_address_connected_to(https_server, monkeypatch):
    import ssl

    url, cert = https_server
    error = _refused(f"{url}/rss.xml", "tls")  # self-signed: not trusted
    assert "certificate verify failed" in error.message
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(fetch.ssl, "create_default_context", lambda: trusting)
    fetched = fetch.fetch(f"{url}/rss.xml")
    assert fetched.status == 200 and b"<rss" in fetched.body


def test_an_address_with_vietnamese_letters_is_sent_encoded(server):
    server.routes["/tin-t%E1%BB%A9c/c%C3%B4ng-nh%C3%A2n.xml"] = server.routes["/rss.xml"]
    fetched = fetch.fetch(server.at("/tin-tức/công-nhân.xml?chủ đề=lương"))
    assert fetched.status == 200
    assert server.requests[-1]["path"] == (
        "/tin-t%E1%BB%A9c/c%C3%B4ng-nh%C3%A2n.xml?ch%E1%BB%A7%20%C4%91%E1%BB%81=l%C6%B0%C6%A1ng"
    )
