"""The outbound guard against real servers on loopback: private addresses refused in every
spelling before any connection, redirects checked hop by hop, the vetted address connected
(no DNS rebinding), the allowlist by name, total time and size limits, one refusal text."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from domstadt.core.config import Settings
from domstadt.core.outbound import (
    REFUSED,
    OutboundClient,
    OutboundError,
    OutboundPolicy,
    OutboundRefused,
    Reply,
    is_public,
)
from tests.core.outbound_servers import (
    SPELLINGS,
    FakeDns,
    Server,
    closed_port,
    filtered_port,
    http_server,
)


@pytest.fixture
def local() -> Iterator[Server]:
    with http_server("127.0.0.1") as server:
        yield server


@pytest.fixture
def internal() -> Iterator[Server]:
    """An "internal" server on 127.0.0.2, never allowed in these tests."""
    with http_server("127.0.0.2") as server:
        yield server


def get(policy: OutboundPolicy, url: str, **options: object) -> Reply:
    settings: dict[str, object] = {"max_bytes": 10_000, "seconds": 5, **options}
    with OutboundClient(policy, user_agent="test") as client:
        return client.request("GET", url, **settings)  # type: ignore[arg-type]


def refusal(policy: OutboundPolicy, url: str, **options: object) -> str:
    with pytest.raises(OutboundError) as caught:
        get(policy, url, **options)
    return str(caught.value)


def test_every_spelling_of_a_private_address_is_refused_before_connecting(local: Server) -> None:
    port = local.base.rsplit(":", 1)[1]
    policy = OutboundPolicy(resolver=FakeDns())
    for spelling in SPELLINGS:
        url = f"{spelling.split('/')[0]}//{spelling.split('/')[2]}:{port}/ok"
        assert refusal(policy, url) == REFUSED, url
        with pytest.raises(OutboundRefused):
            policy.check_url(spelling)
    assert local.hits == []


def test_only_http_and_https_urls_with_a_host() -> None:
    for url in ("ftp://example.org/x", "file:///etc/passwd", "http:///pfad", "gopher://a", ""):
        with pytest.raises(OutboundRefused):
            OutboundPolicy().check_url(url)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::808:808", True),
        ("2002:808:808::1", True),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("fec0::1", False),
        ("2002:7f00:1::1", False),
        ("64:ff9b::7f00:1", False),
        ("::7f00:1", False),
        ("::ffff:10.0.0.1", False),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("198.18.0.1", False),
        ("192.0.2.1", False),
        ("2001::1", False),
    ],
)
def test_public_means_globally_routable_unicast_also_inside_ipv6(
    address: str, public: bool
) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_an_allowed_name_does_not_allow_other_names_or_spellings(local: Server) -> None:
    port = local.base.rsplit(":", 1)[1]
    dns = FakeDns({"intranet.test": [["127.0.0.1"]], "alias.test": [["127.0.0.1"]]})
    by_name = OutboundPolicy(allowed_hosts=("intranet.test",), resolver=dns)
    assert get(by_name, f"http://intranet.test:{port}/ok").content == b"ok"
    assert get(by_name, f"http://INTRANET.test.:{port}/ok").status == 200
    for other in ("alias.test", "127.0.0.1", "localhost"):
        assert refusal(by_name, f"http://{other}:{port}/ok") == REFUSED
    by_address = OutboundPolicy(allowed_hosts=("127.0.0.1",), resolver=dns)
    assert get(by_address, f"{local.base}/ok").status == 200
    for other in ("127.1", "[::ffff:127.0.0.1]", "2130706433", "intranet.test", "localhost"):
        assert refusal(by_address, f"http://{other}:{port}/ok") == REFUSED
    assert local.hits == ["/ok", "/ok", "/ok"]


def test_allowlist_setting_is_normalised_and_checked() -> None:
    settings = Settings(outbound_allowed_hosts="Intranet.Koeln., 10.1.2.3,[::1],,")
    assert settings.outbound_allowed_hosts == ("intranet.koeln", "10.1.2.3", "::1")
    assert OutboundPolicy.from_settings(settings).allowed_hosts == (
        "intranet.koeln",
        "10.1.2.3",
        "::1",
    )
    for bad in ("http://intranet.koeln", "intranet.koeln:8080", "intra net", "a/b"):
        with pytest.raises(ValidationError, match="neither a host name nor an IP address"):
            Settings(outbound_allowed_hosts=bad)


def test_the_connection_goes_to_the_vetted_address(local: Server) -> None:
    port = int(local.base.rsplit(":", 1)[1])
    dns = FakeDns({"intranet.test": [["127.0.0.1"], ["127.0.0.2"]]})
    policy = OutboundPolicy(allowed_hosts=("intranet.test",), resolver=dns)
    with http_server("127.0.0.2", port) as second_answer:  # same port, other address
        assert get(policy, f"http://intranet.test:{port}/ok").status == 200
    assert (dns.asked, local.hits, second_answer.hits) == (["intranet.test"], ["/ok"], [])


def test_dns_rebinding_after_the_check_is_refused_at_connect(local: Server) -> None:
    port = local.base.rsplit(":", 1)[1]
    dns = FakeDns({"rebind.test": [["93.184.216.34"], ["127.0.0.1"]]})
    policy = OutboundPolicy(resolver=dns)
    policy.check_url(f"http://rebind.test:{port}/ok")  # the first answer is public
    assert refusal(policy, f"http://rebind.test:{port}/ok") == REFUSED
    mixed = OutboundPolicy(resolver=FakeDns({"mixed.test": [["93.184.216.34", "127.0.0.1"]]}))
    assert refusal(mixed, f"http://mixed.test:{port}/ok") == REFUSED
    assert local.hits == []


def test_redirects_are_checked_hop_by_hop(local: Server, internal: Server) -> None:
    policy = OutboundPolicy(allowed_hosts=("127.0.0.1",))
    secret = internal.url("/geheim.csv")
    assert refusal(policy, local.url(f"/redirect?to={secret}"), follow_redirects=True) == REFUSED
    hidden = "http://127.0.0.1.nip.io/geheim.csv"
    assert refusal(policy, local.url(f"/redirect?to={hidden}"), follow_redirects=True) == REFUSED
    to_file = local.url("/redirect?to=file:///etc/passwd")
    assert refusal(policy, to_file, follow_redirects=True) == REFUSED
    assert internal.hits == []
    followed = get(policy, local.url("/redirect?to=/ok"), follow_redirects=True)
    assert (followed.status, followed.url, followed.content) == (200, local.url("/ok"), b"ok")
    assert get(policy, local.url(f"/redirect?to={secret}")).status == 302  # not followed
    looping = refusal(policy, local.url("/loop"), follow_redirects=True)
    assert looping == "Mehr als 5 Weiterleitungen."


def test_answers_are_limited_in_size(local: Server) -> None:
    policy = OutboundPolicy(allowed_hosts=("127.0.0.1",))
    for path in ("/big", "/chunked"):
        message = refusal(policy, local.url(path), max_bytes=1000)
        assert message == "Die Antwort ist größer als 1.000 Bytes."
        assert len(get(policy, local.url(path), max_bytes=2000).content) == 2000


def test_the_time_limit_covers_the_whole_answer(local: Server) -> None:
    policy = OutboundPolicy(allowed_hosts=("127.0.0.1",))
    message = refusal(policy, local.url("/trickle"), seconds=1)  # every byte within 0.1 s
    assert message == "Keine vollständige Antwort innerhalb von 1 s."


def test_closed_filtered_reset_and_refused_read_the_same(local: Server, internal: Server) -> None:
    policy = OutboundPolicy(allowed_hosts=("127.0.0.1",))
    with filtered_port() as filtered:
        messages = {
            "closed": refusal(policy, f"http://127.0.0.1:{closed_port()}/"),
            "filtered": refusal(policy, f"http://127.0.0.1:{filtered}/", seconds=1),
            "reset": refusal(policy, local.url("/reset")),
            "refused address": refusal(policy, internal.url("/ok")),
            "unknown name": refusal(policy, "http://gibt-es-nicht.invalid/"),
        }
    assert set(messages.values()) == {REFUSED}, messages
    assert internal.hits == []
