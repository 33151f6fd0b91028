"""The one way the platform sends requests to the outside (harvesting, webhooks; later remote
SensorThings and funding feeds). Only http(s); the host is resolved once per connection and
refused unless every address is publicly routable or the operator allowed the host
(``DOMSTADT_OUTBOUND_ALLOWED_HOSTS``); the connection goes to exactly the vetted address,
every redirect hop is checked the same way, and every answer is bounded in size and time."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

if TYPE_CHECKING:
    import ssl

    from domstadt.core.config import Settings

REFUSED = (
    "Die Adresse ist nicht erreichbar oder nicht erlaubt. Bitte eine öffentlich erreichbare "
    "http(s)-Adresse angeben; Adressen im internen Netz kann nur der Betrieb freigeben."
)
TLS_FAILED = "Die TLS-Verbindung ist gescheitert (Zertifikat ungültig oder nicht vertrauenswürdig)."
MAX_REDIRECTS = 5
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""(host, port) → the addresses to connect to, as text (what getaddrinfo answers)."""

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


class OutboundError(Exception):
    """A request to the outside failed; the message is German and reveals nothing internal."""


class OutboundRefused(OutboundError):
    """The address is not allowed or could not be reached: always the same text, so a refused
    address, a closed port, a filtered port and a reset connection look alike."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class _Expired(Exception):
    """The request's total time is used up (turned into an OutboundError by the client)."""


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses getaddrinfo gives for ``host`` (the resolver outside tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def normalise_host(host: str) -> str:
    """A host as compared with the allowlist: lower case, no brackets, no trailing dot, IP
    literals in canonical form (``[::1]`` → ``::1``; ``127.1`` stays a name)."""
    text = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def allowed_hosts_of(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """The allowlist from comma-separated text or a list; ValueError names a bad entry."""
    items = (value or "").split(",") if isinstance(value, str | None) else list(value)
    hosts: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        host = normalise_host(item)
        if not (_is_address(host) or _HOST_NAME.match(host)):
            raise ValueError(
                f"{item!r} is neither a host name nor an IP address (write it without scheme, "
                "port or path)"
            )
        hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, IPv4-compatible or NAT64 address stands for."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address; an IPv6 address that embeds an IPv4
    address (mapped, compatible, NAT64, 6to4) is judged by that too."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
        if address.sixtofour is not None and not is_public(address.sixtofour):
            return False
        if address.is_site_local:
            return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


@dataclass(frozen=True)
class OutboundPolicy:
    """Which intranet hosts the operator allowed (normalised names or addresses, see
    :func:`allowed_hosts_of`) and how hosts are resolved (None: :func:`system_resolve`)."""

    allowed_hosts: tuple[str, ...] = ()
    resolver: Resolver | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> OutboundPolicy:
        """The policy of ``DOMSTADT_OUTBOUND_ALLOWED_HOSTS``."""
        return cls(allowed_hosts=settings.outbound_allowed_hosts)

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` once; its addresses, or OutboundRefused unless every one is public
        or the host as written (or its literal address) is on the allowlist."""
        resolve = self.resolver or system_resolve
        try:
            found = list(dict.fromkeys(ipaddress.ip_address(a) for a in resolve(host, port)))
        except (OSError, ValueError, UnicodeError):
            raise OutboundRefused() from None
        allowed = normalise_host(host) in self.allowed_hosts
        if not found or not (allowed or all(is_public(a) for a in found)):
            raise OutboundRefused()
        return [str(a) for a in found]

    def check_url(self, url: str) -> None:
        """Refuse a URL the guard would not connect to (when an address is saved; every
        request checks again, so a later DNS answer cannot slip through)."""
        target = _target(url)
        self.addresses(target.host, _port(target))


def _target(url: str | httpx.URL) -> httpx.URL:
    """``url`` parsed, or OutboundRefused when it is no http(s) URL with a host."""
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise OutboundRefused() from None
    if target.scheme not in ("http", "https") or not target.raw_host:
        raise OutboundRefused()
    return target


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


_deadline: ContextVar[float] = ContextVar("outbound_deadline", default=float("inf"))


def _within_total(timeout: float | None) -> float | None:
    """``timeout`` cut to what is left of the current request's total time."""
    left = _deadline.get() - time.monotonic()
    if left <= 0:
        raise _Expired()
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose reads, writes and TLS handshake never outlast the request's total
    time."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_total(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_total(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        try:
            inner = self._inner.start_tls(ssl_context, server_hostname, _within_total(timeout))
        except httpcore.ConnectError:
            raise OutboundError(TLS_FAILED) from None
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """Resolves and vets the host once per connection, then connects to exactly a vetted
    address (TLS SNI and the Host header still carry the name)."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        for address in self._policy.addresses(host, port):
            try:
                limit = _within_total(timeout)
                stream = self._inner.connect_tcp(
                    address, port, limit, local_address, socket_options
                )
            except (_Expired, httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
            return _Stream(stream)
        raise OutboundRefused()

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise OutboundRefused()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=False)


class _Transport(httpx.HTTPTransport):
    """httpx's transport with the guarded network backend (no proxy, no environment)."""

    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__(trust_env=False)
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise RuntimeError("httpx.HTTPTransport keeps no _pool any more: adapt core/outbound")
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(), network_backend=_Backend(policy)
        )


@dataclass
class Reply:
    """An answer: the final URL, status, headers and body (empty when not read)."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes


def size_text(size: int) -> str:
    """A byte count as people read it (``50 MB``, ``100.000 Bytes``)."""
    if size >= 1_048_576 and size % 1_048_576 == 0:
        return f"{size // 1_048_576} MB"
    return f"{size:,} Bytes".replace(",", ".")


def _read(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it (or its declared length) passes ``max_bytes``."""
    too_large = OutboundError(f"Die Antwort ist größer als {size_text(max_bytes)}.")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


class OutboundClient:
    """A guarded HTTP client: one per job or delivery run, not shared between threads."""

    def __init__(self, policy: OutboundPolicy, *, user_agent: str) -> None:
        self._client = httpx.Client(
            transport=_Transport(policy),
            headers={"User-Agent": user_agent},
            timeout=None,  # every wait is bounded by the request's total time instead
            trust_env=False,
        )

    def __enter__(self) -> OutboundClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections."""
        self._client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        max_bytes: int,
        seconds: float,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = False,
        read_body: bool = True,
    ) -> Reply:
        """Send one request; ``seconds`` bounds all of it (every hop, connect, body) and
        ``max_bytes`` the body. With ``follow_redirects`` up to MAX_REDIRECTS hops are
        followed, each checked like the first. OutboundError (German) on any failure."""
        token = _deadline.set(time.monotonic() + seconds)
        try:
            target = _target(url)
            if params:
                target = target.copy_merge_params(dict(params))
            return self._hops(
                method, target, follow_redirects, content, headers, max_bytes, read_body
            )
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise OutboundRefused() from None
        except (_Expired, httpx.TimeoutException):
            raise OutboundError(
                f"Keine vollständige Antwort innerhalb von {seconds:g} s."
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL):
            raise OutboundRefused() from None
        finally:
            _deadline.reset(token)

    def _hops(
        self,
        method: str,
        target: httpx.URL,
        follow: bool,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        max_bytes: int,
        read_body: bool,
    ) -> Reply:
        for _hop in range(MAX_REDIRECTS + 1):
            with self._client.stream(method, target, content=content, headers=headers) as answer:
                if not (follow and answer.is_redirect):
                    body = _read(answer, max_bytes) if read_body else b""
                    return Reply(str(answer.url), answer.status_code, answer.headers, body)
                target = _target(target.join(answer.headers["location"]))
        raise OutboundError(f"Mehr als {MAX_REDIRECTS} Weiterleitungen.")
