"""Fetching one public address for the monitoring, safely, whatever the server does.

A watched server may never answer, answer a byte a minute, send gigabytes, redirect forever,
or point at the machine's own network. So every fetch:

- speaks http or https only, on every hop of a redirect too;
- waits at most MONITOR_FETCH_TIMEOUT seconds to connect and for each read, and at most
  MONITOR_FETCH_SECONDS for the whole download (a slow drip is stopped too);
- follows at most MONITOR_FETCH_MAX_REDIRECTS redirects;
- reads at most MONITOR_FETCH_MAX_BYTES (after gzip is undone: a small compressed bomb is cut
  as well); beyond that the download is stopped and reported, never read whole;
- refuses, as an SSRF guard, a host resolving to a private, loopback, link-local or reserved
  address unless MONITOR_ALLOW_PRIVATE is on (tests serving fixtures from 127.0.0.1, an
  intranet you trust). The address checked is the address connected to: the name is resolved
  once, so a second answer of the DNS cannot swap in a private address;
- sends back the ETag and Last-Modified the server gave last time (a conditional request:
  304 is a success with nothing new) and a User-Agent naming the project.

The standard library is enough for this (http.client); a failure is a FetchError whose message
says what happened in the user's language, ready to be shown as the source's last error."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "TuyenGiaoCongDoan-monitor/0.1 (public information monitoring of a labour union)"
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MIB = 1024 * 1024
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


class FetchError(Exception):
    """The address could not be read; `message` says why, for the source's last error."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Limits:
    timeout: float
    seconds: float
    max_bytes: int
    redirects: int
    allow_private: bool

    @classmethod
    def from_settings(cls) -> Limits:
        """Read at each fetch, so a deployment (or a test) changes them without a restart."""
        return cls(
            timeout=settings.MONITOR_FETCH_TIMEOUT,
            seconds=settings.MONITOR_FETCH_SECONDS,
            max_bytes=settings.MONITOR_FETCH_MAX_BYTES,
            redirects=settings.MONITOR_FETCH_MAX_REDIRECTS,
            allow_private=settings.MONITOR_ALLOW_PRIVATE,
        )


@dataclass(frozen=True)
class Fetched:
    """What the server answered: 200 with its body, or 304 (nothing new since last time)."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")[:300]

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")[:100]

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(url: str, *, etag: str = "", last_modified: str = "", accept: str = "*/*") -> Fetched:
    """GET `url` within the limits; FetchError if it cannot be read."""
    limits = Limits.from_settings()
    deadline = time.monotonic() + limits.seconds
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(limits.redirects + 1):
        answer = _get(url, headers, limits, deadline)
        if isinstance(answer, Fetched):
            return answer
        url = answer  # redirected
    raise FetchError(
        _("More than %(count)s redirects: the address redirects in a loop or too far.")
        % {"count": limits.redirects},
        "redirects",
    )


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(_("The address is not valid."), "address") from error
    if parts.scheme not in ("http", "https"):
        raise FetchError(_("Only http and https addresses can be read."), "scheme")
    if not parts.hostname:
        raise FetchError(_("The address has no server name."), "address")
    try:  # a Vietnamese domain name travels in its ASCII form
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchError(_("The address is not valid."), "address") from error
    # Letters with diacritics in the path travel percent-encoded; escapes already there stay.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path = f"{path}?{quote(parts.query, safe=_PATH_SAFE)}"
    default = 443 if parts.scheme == "https" else 80
    return _Target(parts.scheme, host, port or default, path)


def _get(url: str, headers: dict[str, str], limits: Limits, deadline: float) -> Fetched | str:
    """One request: the answer, or the next address when redirected."""
    target = _target(url)
    connection = _connect(target, limits, deadline)
    try:
        host = target.host if ":" not in target.host else f"[{target.host}]"
        default_port = 443 if target.scheme == "https" else 80
        host_header = host if target.port == default_port else f"{host}:{target.port}"
        connection.request("GET", target.path, headers={**headers, "Host": host_header})
        response = connection.getresponse()
        return _answer(url, response, limits, deadline)
    except TimeoutError as error:
        raise _timeout(limits) from error
    except ssl.SSLError as error:
        raise _tls_error(target, error) from error
    except (http.client.HTTPException, OSError) as error:
        raise FetchError(
            _("The server %(host)s gave no valid answer (%(reason)s).")
            % {"host": target.host, "reason": _reason(error)},
            "protocol",
        ) from error
    finally:
        connection.close()


def _answer(
    url: str, response: http.client.HTTPResponse, limits: Limits, deadline: float
) -> Fetched | str:
    headers = {name.lower(): value for name, value in response.getheaders()}
    if response.status in _REDIRECTS:
        location = headers.get("location", "").strip()
        if not location:
            raise FetchError(_("The server redirected without saying where to."), "redirects")
        return urljoin(url, location)
    if response.status == 304:
        return Fetched(url=url, status=304, headers=headers)
    if not 200 <= response.status < 300:
        raise FetchError(
            _("The server answered with error %(status)s (%(reason)s).")
            % {"status": response.status, "reason": response.reason or "-"},
            "status",
        )
    body = _body(response, headers, limits, deadline)
    return Fetched(url=url, status=response.status, body=body, headers=headers)


def _body(
    response: http.client.HTTPResponse, headers: dict[str, str], limits: Limits, deadline: float
) -> bytes:
    """The body read chunk by chunk, stopped at the byte cap and at the deadline."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(limits)
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", ""):
        raise FetchError(
            _("The server sent its answer in an unknown compression (%(encoding)s).")
            % {"encoding": encoding[:40]},
            "protocol",
        )
    body = _Capped(limits.max_bytes, gzip=encoding in ("gzip", "x-gzip"))
    while chunk := response.read1(_CHUNK):  # what has come, never waiting for a full chunk
        if time.monotonic() > deadline:
            raise FetchError(
                _("The download took longer than %(seconds)s seconds and was stopped.")
                % {"seconds": _seconds(limits.seconds)},
                "timeout",
            )
        body.add(chunk, limits)
    return body.finish(limits)


class _Capped:
    """The bytes received (gunzipped when the server compressed them), never more than the
    cap: compressed bytes are inflated only up to what the cap still allows."""

    def __init__(self, cap: int, *, gzip: bool) -> None:
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None

    def _keep(self, data: bytes, limits: Limits) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise _too_large(limits)
        self.parts.append(data)

    def add(self, chunk: bytes, limits: Limits) -> None:
        if self.inflate is None:
            self._keep(chunk, limits)
            return
        try:
            data = self.inflate.decompress(chunk, self.cap - self.size + 1)
        except zlib.error as error:
            raise _bad_gzip() from error
        self._keep(data, limits)
        if self.inflate.unconsumed_tail:  # more would come out than the cap allows
            raise _too_large(limits)

    def finish(self, limits: Limits) -> bytes:
        if self.inflate is not None:
            try:
                self._keep(self.inflate.flush(), limits)
            except zlib.error as error:
                raise _bad_gzip() from error
        return b"".join(self.parts)


def _connect(target: _Target, limits: Limits, deadline: float) -> http.client.HTTPConnection:
    """A connection to the first address of the host that answers, each checked first."""
    addresses = _addresses(target, limits)
    timeout = max(0.1, min(limits.timeout, deadline - time.monotonic()))
    last: OSError | None = None
    for address in addresses:
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPS(target.host, target.port, address, timeout)
        else:
            connection = _PinnedHTTP(target.host, target.port, address, timeout)
        try:
            connection.connect()
        except TimeoutError as error:
            raise _timeout(limits) from error
        except ssl.SSLError as error:
            raise _tls_error(target, error) from error
        except OSError as error:
            last = error
            continue
        return connection
    raise FetchError(
        _("The server %(host)s could not be reached (%(reason)s).")
        % {"host": target.host, "reason": _reason(last) if last else "-"},
        "connect",
    )


def _addresses(target: _Target, limits: Limits) -> list[tuple[str, int]]:
    """The host's addresses; all refused if one of them is not public (SSRF guard)."""
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(
            _("The server name %(host)s was not found.") % {"host": target.host}, "dns"
        ) from error
    addresses = list(dict.fromkeys((str(info[4][0]), target.port) for info in found))
    if not limits.allow_private:
        for ip, _port in addresses:
            if not is_public(ip):
                raise FetchError(
                    _(
                        "The address %(host)s leads to a private or local network (%(ip)s): "
                        "it is not read."
                    )
                    % {"host": target.host, "ip": ip},
                    "private",
                )
    return addresses


def is_public(ip: str) -> bool:
    """A globally routable address (not private, loopback, link-local, reserved, shared or
    multicast); an IPv6 address mapping an IPv4 one is judged by that one."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address checked, whatever the name resolves to by then."""

    def __init__(self, host: str, port: int, address: tuple[str, int], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection(self.address, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS, the certificate checked against the host's name."""

    def __init__(self, host: str, port: int, address: tuple[str, int], timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection(self.address, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def charset(content_type: str) -> str:
    """The charset a Content-Type header names, or ""."""
    message = Message()
    message["content-type"] = content_type
    value = message.get_param("charset")
    return value.strip().lower() if isinstance(value, str) else ""


def _seconds(value: float) -> str:
    return f"{value:g}"


def _timeout(limits: Limits) -> FetchError:
    return FetchError(
        _("The server did not answer within %(seconds)s seconds.")
        % {"seconds": _seconds(limits.timeout)},
        "timeout",
    )


def _too_large(limits: Limits) -> FetchError:
    return FetchError(
        _("The answer is larger than %(size)s MB: it was cut off and not read.")
        % {"size": f"{limits.max_bytes / _MIB:g}"},
        "too_large",
    )


def _bad_gzip() -> FetchError:
    return FetchError(_("The server's compressed answer is damaged."), "protocol")


def _tls_error(target: _Target, error: ssl.SSLError) -> FetchError:
    return FetchError(
        _("The secure connection to %(host)s failed (%(reason)s).")
        % {"host": target.host, "reason": _reason(error)},
        "tls",
    )


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text[:150]
