"""A local web server for the source tests, serving the fixture feeds and pages the project
writes: RSS and Atom with Vietnamese items, broken XML, an HTML page where a feed should be,
Windows-1258 declared and mislabelled, an item of megabytes, an endless answer, a gzip bomb,
redirects (one, a loop, to a file), a server that never answers and one that drips, ETags
answered with 304, an article for trafilatura, and errors.

`serve()` starts it on 127.0.0.1 and a free port in a thread; `routes` can be changed while it
runs (a feed that gains an item); `requests` records what each request sent."""

from __future__ import annotations

import functools
import gzip
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WAGES = (
    "Hơn 300 công nhân Công ty TNHH May Yên Khánh (Ninh Bình) phản ánh bị nợ lương ba tháng, "
    "nhiều người phải vay mượn để trang trải cuộc sống; công đoàn cơ sở đã kiến nghị doanh "
    "nghiệp trả lương trước ngày 15."
)
INSURANCE = (
    "Doanh nghiệp da giày ở khu công nghiệp Gián Khẩu chậm đóng bảo hiểm xã hội cho người lao "
    "động suốt sáu tháng, Liên đoàn Lao động tỉnh đã làm việc và yêu cầu khắc phục."
)
TRAINING = (
    "Liên đoàn Lao động tỉnh Ninh Bình tổ chức lớp tập huấn kỹ năng tuyên truyền trên mạng xã "
    "hội cho 120 cán bộ công đoàn cơ sở, giới thiệu cách phản bác thông tin sai lệch."
)
ACCIDENT = (
    "Một công nhân bị thương nặng khi vận hành máy ép tại nhà máy gạch ở huyện Yên Mô, công "
    "đoàn ngành đã thăm hỏi và đề nghị điều tra nguyên nhân tai nạn lao động."
)


def rss(items: list[tuple[str, str, str]], *, encoding: str = "utf-8", extra: str = "") -> str:
    """An RSS 2.0 feed of (title, link, description) items; descriptions hold HTML."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        f"<description><![CDATA[<p>{text}</p><p><b>Ninh Bình</b> &amp; công đoàn</p>]]>"
        f"</description><author>bandoc@example.vn (Bạn đọc)</author>"
        f"<pubDate>Fri, 30 Oct 2026 08:00:00 +0700</pubDate></item>"
        for title, link, text in items
    )
    declaration = (
        f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'
    )
    return (
        f'{declaration}<rss version="2.0"><channel><title>Báo Lao Động Ninh Bình</title>'
        f"<link>http://bao.example.vn/</link><description>Tin công nhân</description>"
        f"{entries}{extra}</channel></rss>"
    )


def atom(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f'<entry><title>{title}</title><link href="{link}"/><id>{link}</id>'
        f"<updated>2026-10-31T07:30:00Z</updated><author><name>Phóng viên</name></author>"
        f'<content type="html">&lt;p&gt;{text}&lt;/p&gt;</content></entry>'
        for title, link, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Cổng thông tin Công đoàn</title><id>urn:cd</id>"
        f"<updated>2026-10-31T07:30:00Z</updated>{entries}</feed>"
    )


_SHAPES = "\u0302\u0306\u031b"  # circumflex, breve, horn: precomposed in Windows-1258


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: letters with their shape mark precomposed, the
    tone mark a separate combining character."""
    clusters: list[list[str]] = []
    for char in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(char):
            clusters[-1].append(char)
        else:
            clusters.append([char])
    out = []
    for base, *marks in clusters:
        shapes = "".join(m for m in marks if m in _SHAPES)
        tones = "".join(m for m in marks if m not in _SHAPES)
        out.append(unicodedata.normalize("NFC", base + shapes) + tones)
    return "".join(out).encode("cp1258")


ARTICLE = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Công nhân May Yên Khánh bị nợ lương ba tháng - Báo Lao Động</title>
<meta name="author" content="Trần Thị Bình">
<meta property="article:published_time" content="2026-10-30T08:00:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/xa-hoi">Xã hội</a></nav>
<article><h1>Công nhân May Yên Khánh bị nợ lương ba tháng</h1>
<p>{WAGES}</p>
<p>Theo phản ánh, công ty hứa trả lương vào cuối tháng 10 nhưng đến nay vẫn chưa thực hiện.
Liên đoàn Lao động huyện Yên Khánh đã làm việc với doanh nghiệp và đề nghị có lộ trình trả nợ.</p>
<p>Công đoàn cơ sở cho biết sẽ tiếp tục theo dõi, bảo vệ quyền lợi hợp pháp của người lao động.</p>
</article><footer>© Báo điện tử — Giấy phép số 123/GP-BTTTT</footer></body></html>"""

NAV_ONLY = """<!doctype html><html><head><meta charset="utf-8"><title>Trang chủ</title></head>
<body><nav><a href="/a">A</a> <a href="/b">B</a></nav></body></html>"""

FEED_ITEMS = [
    ("Công nhân May Yên Khánh bị nợ lương", "http://bao.example.vn/no-luong-1.html", WAGES),
    ("Chậm đóng bảo hiểm xã hội sáu tháng", "http://bao.example.vn/bhxh-2.html", INSURANCE),
    ("Tập huấn tuyên truyền trên mạng xã hội", "http://bao.example.vn/tap-huan-3.html", TRAINING),
]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""  # answered with 304 when the request sends it back


Handler = Callable[["_Handler"], None]
Route = Reply | Handler


@dataclass
class Server:
    url: str
    routes: dict[str, Route]
    requests: list[dict[str, str]]
    stop: threading.Event

    def at(self, path: str) -> str:
        return f"{self.url}{path}"


def _reply(status: int, body: bytes | str, content_type: str, **headers: str) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(status, data, {"Content-Type": content_type, **headers})


def _never(handler: _Handler) -> None:
    """Takes the connection and never answers (until the tests end)."""
    handler.server_stop.wait(30)


def _drip(handler: _Handler) -> None:
    """Answers at once, then a byte now and then, for ever."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    while not handler.server_stop.is_set():
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.1)


def _endless(handler: _Handler, *, declared: bool) -> None:
    """A "gigabyte" feed: megabytes of XML sent until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
    if declared:
        handler.send_header("Content-Length", str(4 * 1024**3))
    handler.end_headers()
    chunk = b"<item><title>x</title></item>" * 2000
    head = b'<?xml version="1.0"?><rss version="2.0"><channel>'
    try:
        handler.wfile.write(head)
        for _ in range(20_000):
            if handler.server_stop.is_set():
                return
            handler.wfile.write(chunk)
    except OSError:
        return


def _loop(handler: _Handler) -> None:
    number = int(handler.path.rsplit("/", 1)[-1] or 0) if handler.path.count("/") > 1 else 0
    handler.send_response(302)
    handler.send_header("Location", f"/loop/{number + 1}")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@functools.cache
def _bomb() -> bytes:
    """60 MB of spaces, gzipped to some 60 KB."""
    return gzip.compress(b"<" + b" " * (60 * 1024 * 1024), compresslevel=9)


def default_routes() -> dict[str, Route]:
    xml = "application/rss+xml; charset=utf-8"
    huge_text = ("Công nhân phản ánh nợ lương. " * 40_000).strip()  # ~1.2 MB
    bomb = _bomb()
    return {
        "/rss.xml": Reply(200, rss(FEED_ITEMS).encode(), {"Content-Type": xml}, etag='"v1"'),
        "/atom.xml": _reply(200, atom(FEED_ITEMS[:2]), "application/atom+xml"),
        "/empty.xml": _reply(200, rss([]), xml),
        "/broken.xml": _reply(
            200,
            rss(FEED_ITEMS[:2], extra="<item><title>Vỡ & hỏng</title><link>x</link>"),
            xml,
        ),
        "/html": _reply(200, ARTICLE, "text/html; charset=utf-8"),
        "/html-as-xml": _reply(200, NAV_ONLY, "application/xml"),
        "/nothing": _reply(200, b"", "application/rss+xml"),
        "/json": _reply(200, '{"items": [1, 2]}', "application/json"),
        "/cp1258.xml": _reply(
            200, cp1258(rss(FEED_ITEMS[:1], encoding="windows-1258")), "application/rss+xml"
        ),
        "/cp1258-as-utf8.xml": _reply(200, cp1258(rss(FEED_ITEMS[:1])), xml),
        "/utf8-as-latin1.xml": _reply(
            200, rss(FEED_ITEMS[:1]).encode(), "text/xml; charset=iso-8859-1"
        ),
        "/huge-item.xml": _reply(
            200, rss([("Bài rất dài", "http://bao.example.vn/dai.html", huge_text)]), xml
        ),
        "/gigabyte.xml": lambda h: _endless(h, declared=True),
        "/chunked-gigabyte.xml": lambda h: _endless(h, declared=False),
        "/gzip-bomb.xml": Reply(200, bomb, {"Content-Type": xml, "Content-Encoding": "gzip"}),
        "/gzip.xml": Reply(
            200,
            gzip.compress(rss(FEED_ITEMS[:1]).encode()),
            {"Content-Type": xml, "Content-Encoding": "gzip"},
        ),
        "/moved": _reply(301, b"", "text/plain", Location="/rss.xml"),
        "/loop": _loop,
        "/to-file": _reply(302, b"", "text/plain", Location="file:///etc/passwd"),
        "/never": _never,
        "/drip": _drip,
        "/article.html": _reply(200, ARTICLE, "text/html; charset=utf-8"),
        "/nav-only.html": _reply(200, NAV_ONLY, "text/html; charset=utf-8"),
        "/missing": _reply(404, "Không tìm thấy", "text/plain; charset=utf-8"),
        "/broken-server": _reply(500, "Lỗi", "text/plain; charset=utf-8"),
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "FixtureServer/1"
    routes: dict[str, Route]
    requests: list[dict[str, str]]
    server_stop: threading.Event

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        key = self.path.split("?", 1)[0]
        route = self.routes.get(key) or self.routes.get("/" + key.split("/")[1])
        if route is None:
            route = _reply(404, b"", "text/plain")
        if not isinstance(route, Reply):
            route(self)
            return
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            self.send_response(304)
            self.send_header("ETag", route.etag)
            self.end_headers()
            return
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.etag:
            self.send_header("ETag", route.etag)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        try:
            self.wfile.write(route.body)
        except OSError:
            return


def _handler_class(
    routes: dict[str, Route], requests: list[dict[str, str]], stop: threading.Event
) -> type[_Handler]:
    return type(
        "Handler", (_Handler,), {"routes": routes, "requests": requests, "server_stop": stop}
    )


def handler(server: Server) -> type[_Handler]:
    """A handler serving the same routes as `server` (a second server, over TLS)."""
    return _handler_class(server.routes, server.requests, server.stop)


@contextmanager
def serve() -> Iterator[Server]:
    stop = threading.Event()
    routes = default_routes()
    requests: list[dict[str, str]] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(routes, requests, stop))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", routes, requests, stop)
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


def running(settings: Any) -> Iterator[Server]:
    """The server for a test, with short limits (the tests must not wait 15 seconds for a
    timeout) and the local address allowed; a module's fixture yields from it."""
    settings.MONITOR_ALLOW_PRIVATE = True
    settings.MONITOR_FETCH_TIMEOUT = 0.5
    settings.MONITOR_FETCH_SECONDS = 2
    settings.MONITOR_FETCH_MAX_BYTES = 2 * 1024 * 1024
    settings.MONITOR_FETCH_MAX_REDIRECTS = 3
    with serve() as server:
        yield server
