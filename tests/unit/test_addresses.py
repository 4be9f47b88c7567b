"""The client address behind proxies (chat/addresses.py) and who may read /metrics (chat/metrics.py)."""

from __future__ import annotations

import ipaddress

import pytest
from pydantic import ValidationError

from chat.addresses import client_address, is_loopback, parse_address
from chat.metrics import scrape_allowed
from chat.settings import Settings

PROXIES = (ipaddress.ip_network('10.0.0.0/8'), ipaddress.ip_network('2001:db8::/32'))


@pytest.mark.parametrize(
    ('peer', 'forwarded', 'expected'),
    [
        # an untrusted peer: its header is ignored, whatever it says
        ('198.51.100.7', ['203.0.113.9'], '198.51.100.7'),
        ('198.51.100.7', [], '198.51.100.7'),
        # a trusted proxy: the right-most address that is not itself a trusted proxy
        ('10.0.0.2', ['203.0.113.9'], '203.0.113.9'),
        ('10.0.0.2', ['1.1.1.1, 203.0.113.9'], '203.0.113.9'),  # 1.1.1.1 was written by the client: not used
        ('10.0.0.2', ['203.0.113.9, 10.0.0.5'], '203.0.113.9'),  # two proxies in a row
        ('10.0.0.2', ['1.1.1.1', '203.0.113.9, 10.9.9.9'], '203.0.113.9'),  # several header lines, in order
        ('10.0.0.2', [' 203.0.113.9:5555 '], '203.0.113.9'),  # with a port
        ('10.0.0.2', ['[2001:db9::1]:443'], '2001:db9::1'),
        ('2001:db8::5', ['2001:db9::1'], '2001:db9::1'),
        # nothing forwarded, or only proxies: the nearest proxy
        ('10.0.0.2', [], '10.0.0.2'),
        ('10.0.0.2', ['  ,  '], '10.0.0.2'),
        ('10.0.0.2', ['10.0.0.3, 10.0.0.4'], '10.0.0.3'),
        # a garbage entry ends the walk at the last address proven
        ('10.0.0.2', ['203.0.113.9, unknown'], '10.0.0.2'),
        ('10.0.0.2', ['unknown, 10.0.0.4'], '10.0.0.4'),
        ('10.0.0.2', ['unknown, 203.0.113.9'], '203.0.113.9'),
        # a dual-stack socket's IPv4-mapped peer is the IPv4 address
        ('::ffff:10.0.0.2', ['203.0.113.9'], '203.0.113.9'),
        # a peer that is no address at all (a test client) stays as it is
        ('testclient', ['203.0.113.9'], 'testclient'),
    ],
)
def test_client_address(peer: str, forwarded: list[str], expected: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address('127.0.0.1', ['203.0.113.9'], ()) == '127.0.0.1'


def test_parse_and_loopback() -> None:
    assert str(parse_address('[::1]:80')) == '::1'
    assert parse_address('not-an-ip') is None
    assert is_loopback('127.0.0.1') and is_loopback('127.5.5.5') and is_loopback('::1')
    assert is_loopback('::ffff:127.0.0.1')
    assert not is_loopback('10.0.0.1') and not is_loopback('') and not is_loopback('localhost')


def test_trusted_proxies_setting_parses_lists_and_refuses_nonsense() -> None:
    settings = Settings(trusted_proxies='127.0.0.1, 10.0.0.0/8')  # type: ignore[arg-type]
    assert settings.trusted_networks == (ipaddress.ip_network('127.0.0.1/32'), ipaddress.ip_network('10.0.0.0/8'))
    assert Settings(trusted_proxies='["::1"]').trusted_proxies == ['::1']  # type: ignore[arg-type]
    assert Settings().trusted_networks == ()
    with pytest.raises(ValidationError) as refused:
        Settings(trusted_proxies='10.0.0.0/8, proxy.example')  # type: ignore[arg-type]
    assert refused.value.errors()[0]['loc'] == ('trusted_proxies',)


def allowed(
    peer: str,
    forwarded: list[str] | None = None,
    authorization: str | None = None,
    *,
    token: str | None = 's3cret-token',
    loopback: bool = True,
    trusted: tuple = (),
) -> bool:
    return scrape_allowed(
        peer=peer,
        forwarded_for=forwarded or [],
        authorization=authorization,
        token=token,
        loopback=loopback,
        trusted=trusted,
    )


def test_metrics_access_from_loopback_or_with_the_token() -> None:
    assert allowed('127.0.0.1') and allowed('::1')
    assert not allowed('198.51.100.7')
    assert allowed('198.51.100.7', authorization='Bearer s3cret-token')
    assert allowed('198.51.100.7', authorization='bearer  s3cret-token ')
    assert not allowed('198.51.100.7', authorization='Bearer wrong')
    assert not allowed('198.51.100.7', authorization='Bearer s3cret-token-and-more')
    assert not allowed('198.51.100.7', authorization='Basic s3cret-token')
    assert not allowed('198.51.100.7', authorization='Bearer ')
    assert not allowed('198.51.100.7', authorization='Bearer s3cret-token', token=None)  # no token set: none works
    assert not allowed('198.51.100.7', authorization='Bearer ', token='')


def test_metrics_loopback_trust_can_be_turned_off() -> None:
    assert not allowed('127.0.0.1', loopback=False)
    assert not allowed('127.0.0.1', authorization='Bearer wrong', loopback=False)
    assert allowed('127.0.0.1', authorization='Bearer s3cret-token', loopback=False)


def test_a_proxy_on_the_same_host_does_not_open_metrics_to_the_world() -> None:
    local = (ipaddress.ip_network('127.0.0.1/32'),)
    # an untrusted loopback peer forwarding for someone: not loopback
    assert not allowed('127.0.0.1', ['203.0.113.9'])
    assert not allowed('127.0.0.1', ['127.0.0.1'])
    # a trusted local proxy: the client it names decides
    assert not allowed('127.0.0.1', ['203.0.113.9'], trusted=local)
    assert allowed('127.0.0.1', ['127.0.0.1'], trusted=local)
    assert allowed('127.0.0.1', [], trusted=local)
    # the token works through any proxy
    assert allowed('127.0.0.1', ['203.0.113.9'], 'Bearer s3cret-token', trusted=local)
