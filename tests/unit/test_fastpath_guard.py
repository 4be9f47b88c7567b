"""The speed layer's version guard and switches (what `enable` would apply, without applying it): it patches exact
library versions, so any other version turns it off (with one warning) and the messenger runs on plain NiceGUI;
unknown patch names are refused at start-up."""

from __future__ import annotations

import logging
from importlib import metadata

import pytest

from chat.settings import Settings
from pages import fastpath


def _installed_as_pinned(name: str) -> str:
    return fastpath.PINNED[name]


def test_pinned_versions_are_the_installed_ones() -> None:
    """requirements.txt and PINNED agree: otherwise CI would silently measure and test the plain path."""
    assert fastpath.version_mismatches() == {}


def test_a_different_version_keeps_the_layer_off(caplog: pytest.LogCaptureFixture) -> None:
    def newer_nicegui(name: str) -> str:
        return '3.19.0' if name == 'nicegui' else fastpath.PINNED[name]

    with caplog.at_level(logging.WARNING, logger='pages.fastpath'):
        applied = fastpath.plan(Settings(), server=False, installed=newer_nicegui)
    assert applied == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and 'nicegui 3.19.0 (written for 3.18.0)' in warnings[0]


def test_a_missing_library_keeps_the_layer_off() -> None:
    def without_wsproto(name: str) -> str:
        if name == 'wsproto':
            raise metadata.PackageNotFoundError(name)
        return fastpath.PINNED[name]

    assert fastpath.version_mismatches(without_wsproto) == {'wsproto': ('1.3.2', 'missing')}
    assert fastpath.plan(Settings(), server=False, installed=without_wsproto) == []


def test_skipped_patches_are_left_out() -> None:
    planned = fastpath.plan(
        Settings(fastpath_skip=['html_escape', 'direct_send']), server=False, installed=_installed_as_pinned
    )
    applied = [patch.name for patch in planned]
    assert 'html_escape' not in applied and 'direct_send' not in applied and 'static_cache' in applied
    assert not {'collector', 'unconnected'} & set(applied)  # they need a running server


def test_a_group_name_skips_its_patches() -> None:
    planned = {p.name for p in fastpath.plan(Settings(fastpath_skip=['free_at_once']), installed=_installed_as_pinned)}
    assert not {'element_cycles', 'client_cycles', 'user_storage_cycles'} & planned
    assert {'collector', 'unconnected', 'direct_send'} <= planned


def test_unknown_patch_names_are_refused() -> None:
    with pytest.raises(ValueError, match='CHAT_FASTPATH_SKIP names no patch: no_such_patch'):
        fastpath.plan(Settings(fastpath_skip=['no_such_patch']), server=False, installed=_installed_as_pinned)


def test_skip_list_reads_commas_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('CHAT_FASTPATH_SKIP', 'html_escape, direct_send')
    assert Settings().fastpath_skip == ['html_escape', 'direct_send']
    monkeypatch.setenv('CHAT_FASTPATH_SKIP', '["collector"]')
    assert Settings().fastpath_skip == ['collector']
