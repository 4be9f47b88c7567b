"""The deployment files in scripts/deploy/ as their tools read them: the systemd unit passes `systemd-analyze verify`
with no warning and gives the graceful stop more time than it may take; the nginx TLS site passes `nginx -t`.
(tests/integration/test_nginx_tls.py serves the messenger through that site.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from chat.settings import Settings
from tests.deploy import DEPLOY, ROOT, nginx_prefix, nginx_tls_site, require_tool, self_signed

UNIT = DEPLOY / 'messenger.service'


def unit_settings() -> dict[str, str]:
    return dict(re.findall(r'^(\w+)=(.*)$', UNIT.read_text(), re.M))


def test_systemd_unit_verifies_without_warnings(tmp_path: Path) -> None:
    analyze = require_tool('systemd-analyze', 'systemd')
    unit = UNIT.read_text()
    # only what cannot exist here changes: the checkout, its python and the settings file (verify checks the command)
    unit = unit.replace('/opt/messenger/.venv/bin/python', sys.executable).replace('/opt/messenger', str(ROOT))
    unit = unit.replace('/etc/messenger/messenger.env', str(DEPLOY / 'messenger.env'))
    path = tmp_path / 'messenger.service'
    path.write_text(unit)
    result = subprocess.run([analyze, 'verify', str(path)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if 'messenger' in line]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr


def test_systemd_unit_waits_longer_than_the_graceful_stop() -> None:
    settings = unit_settings()
    env = dict(re.findall(r'^(CHAT_\w+)=(.*)$', (DEPLOY / 'messenger.env').read_text(), re.M))
    bound = float(env.get('CHAT_SHUTDOWN_TIMEOUT', Settings.model_fields['shutdown_timeout'].default))
    assert settings['KillSignal'] == 'SIGTERM'
    assert settings['Restart'] == 'on-failure'
    assert float(settings['TimeoutStopSec']) > bound, 'systemd sends SIGKILL only after the graceful stop had its time'
    assert settings['ExecStart'].startswith('/opt/messenger/.venv/bin/python main.py')
    assert settings['NoNewPrivileges'] == 'yes' and settings['ProtectSystem'] == 'strict'


def test_nginx_tls_site_passes_nginx_t(tmp_path: Path) -> None:
    nginx = require_tool('nginx', 'nginx-light')
    certificate = self_signed(tmp_path)
    main = nginx_prefix(tmp_path / 'nginx', nginx_tls_site(8080, 18080, 18443, certificate))
    result = subprocess.run(
        [nginx, '-t', '-p', str(tmp_path / 'nginx'), '-c', str(main)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and 'test is successful' in result.stderr, result.stderr
