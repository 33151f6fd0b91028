"""The notification connection: a publish-only MQTT 5 client for QoS 0 messages.

Every committed Observation is announced on up to four topics, so at a few thousand
Observations a second the notifications outnumber everything else the ingest worker does.
paho builds a message object, a properties object and a queued packet per publish (~30 µs of
Python each, measured in ``benchmarks/sensors_mqtt.py``). QoS 0 needs none of that: no
packet id, no acknowledgement, no state. This connection encodes the PUBLISH packets itself
(MQTT 5.0, section 3.3: topic, properties with the ``domstadt-event`` user property, payload)
and writes a whole commit's notifications with one ``sendall``. It connects lazily, sends a
PINGREQ while idle so the broker keeps it, reads (and discards) what the broker sends, and
reconnects on the next publish after a broken connection; messages published while the
broker is unreachable are dropped and logged, which is what QoS 0 promises.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import ssl
import struct
import threading
import time
import uuid

from domstadt.sensors.mqtt.topics import EVENT_MARKER, BrokerUrl

log = logging.getLogger("domstadt.sensors.mqtt")
KEEPALIVE_SECONDS = 30
CONNECT_TIMEOUT = 5.0
RETRY_SECONDS = 5.0
PINGREQ = b"\xc0\x00"
DISCONNECT = b"\xe0\x00"


def _varint(value: int) -> bytes:
    """MQTT variable byte integer."""
    out = bytearray()
    while True:
        value, digit = divmod(value, 128)
        out.append(digit | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _text(value: str) -> bytes:
    raw = value.encode()
    return struct.pack("!H", len(raw)) + raw


def _packet(first_byte: int, body: bytes) -> bytes:
    return bytes([first_byte]) + _varint(len(body)) + body


def connect_packet(client_id: str, username: str | None, password: str | None) -> bytes:
    """CONNECT (MQTT 5, clean start, no session kept, keepalive 30 s)."""
    flags = 0x02 | (0x80 if username else 0) | (0x40 if password else 0)
    header = _text("MQTT") + bytes([5, flags]) + struct.pack("!H", KEEPALIVE_SECONDS) + b"\x00"
    payload = _text(client_id)
    if username:
        payload += _text(username)
    if password:
        payload += _text(password)
    return _packet(0x10, header + payload)


EVENT_PROPERTIES = b"\x26" + _text(EVENT_MARKER[0]) + _text(EVENT_MARKER[1])
_EVENT_PROPERTIES = _varint(len(EVENT_PROPERTIES)) + EVENT_PROPERTIES


def publish_packet(topic: str, payload: bytes) -> bytes:
    """PUBLISH at QoS 0 with the ``domstadt-event`` user property."""
    return _packet(0x30, _text(topic) + _EVENT_PROPERTIES + payload)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("MQTT broker closed the connection")
        data += chunk
    return data


def _read_packet(sock: socket.socket) -> tuple[int, bytes]:
    """One packet: (type and flags byte, body)."""
    first = _read_exactly(sock, 1)[0]
    size, shift = 0, 0
    while True:
        digit = _read_exactly(sock, 1)[0]
        size += (digit & 0x7F) << shift
        shift += 7
        if not digit & 0x80:
            return first, _read_exactly(sock, size)


class Publisher:
    """A publish-only connection for notifications (reconnects on the next publish)."""

    def __init__(self, url: BrokerUrl, client_id: str) -> None:
        self.url = url
        self.client_id = client_id
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._retry_at = 0.0

    @property
    def root(self) -> str:
        """The topic root (``v1.1`` or ``prefix/v1.1``)."""
        return self.url.root

    def start(self) -> None:
        """Connect now (otherwise the first publish connects)."""
        with self._lock:
            self._ensure()

    def publish(self, messages: list[tuple[str, bytes]]) -> None:
        """Send ``messages`` (QoS 0) in one write; dropped and logged when the broker is away."""
        if not messages:
            return
        data = b"".join(publish_packet(topic, payload) for topic, payload in messages)
        with self._lock:
            try:
                self._ensure().sendall(data)
            except OSError as exc:
                self._drop()
                log.warning("MQTT notifications dropped (%d): %s", len(messages), exc)

    def stop(self) -> None:
        """Disconnect."""
        with self._lock:
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.sendall(DISCONNECT)
            self._drop()

    def _ensure(self) -> socket.socket:
        if self._sock is not None:
            return self._sock
        if time.monotonic() < self._retry_at:  # the broker was away a moment ago
            raise ConnectionError("MQTT broker unreachable; next attempt in a few seconds")
        self._retry_at = time.monotonic() + RETRY_SECONDS
        sock = socket.create_connection((self.url.host, self.url.port), CONNECT_TIMEOUT)
        if self.url.tls:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.url.host)
        sock.sendall(connect_packet(self.client_id, self.url.username, self.url.password))
        kind, body = _read_packet(sock)
        if kind != 0x20 or len(body) < 2 or body[1] >= 0x80:
            sock.close()
            raise ConnectionRefusedError(f"MQTT broker refused the connection: {body[:2]!r}")
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._retry_at = 0.0
        self._closed.clear()
        threading.Thread(target=self._drain, args=(sock,), daemon=True).start()
        threading.Thread(target=self._ping, args=(sock,), daemon=True).start()
        return sock

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._closed.set()

    def _drain(self, sock: socket.socket) -> None:
        """Read what the broker sends (PINGRESP, DISCONNECT) until the connection ends."""
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass
        with self._lock:
            if self._sock is sock:
                self._drop()

    def _ping(self, sock: socket.socket) -> None:
        while not self._closed.wait(KEEPALIVE_SECONDS / 2):
            with self._lock:
                if self._sock is not sock:
                    return
                try:
                    sock.sendall(PINGREQ)
                except OSError:
                    self._drop()
                    return


_PUBLISHERS: dict[str, Publisher] = {}
_PUBLISHERS_LOCK = threading.Lock()


def publisher_for(url: str) -> Publisher:
    """The process's publisher for ``url`` (one connection per broker URL)."""
    with _PUBLISHERS_LOCK:
        publisher = _PUBLISHERS.get(url)
        if publisher is None:
            client_id = f"domstadt-pub-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            publisher = Publisher(BrokerUrl.parse(url), client_id)
            _PUBLISHERS[url] = publisher
        return publisher
