"""The deployment files in scripts/deploy/ made runnable here: the tools that check them, a certificate made for the
run, and the nginx TLS configuration with only its ports, upstream and certificate paths changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / 'scripts' / 'deploy'


def require_tool(name: str, package: str) -> str:
    """The tool's path; without it the test is skipped, except under CI=true, where a missing tool fails."""
    path = shutil.which(name) or next((p for p in (f'/usr/sbin/{name}', f'/usr/bin/{name}') if Path(p).exists()), None)
    if path is not None:
        return path
    reason = f'{name} not installed (apt-get install {package})'
    if os.environ.get('CI', '').lower() == 'true':
        pytest.fail(f'{reason}: CI=true needs it', pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def self_signed(folder: Path) -> Certificate:
    """A certificate for 127.0.0.1 and localhost, made by openssl for this run (it is also its own CA)."""
    openssl = require_tool('openssl', 'openssl')
    cert, key = folder / 'cert.pem', folder / 'key.pem'
    subprocess.run(
        [
            openssl,
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1,DNS:localhost',
            '-keyout',
            str(key),
            '-out',
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


def nginx_tls_site(app_port: int, http_port: int, https_port: int, certificate: Certificate) -> str:
    """scripts/deploy/nginx-tls.conf with only what differs here: ports on 127.0.0.1 (no IPv6), the certificate."""
    config = (DEPLOY / 'nginx-tls.conf').read_text()
    replacements = [
        (r'\n\s*listen \[::\]:\d+( ssl)?;', ''),
        (r'listen 80;', f'listen 127.0.0.1:{http_port};'),
        (r'listen 443 ssl;', f'listen 127.0.0.1:{https_port} ssl;'),
        (r'server 127\.0\.0\.1:8080;', f'server 127.0.0.1:{app_port};'),
        (r'ssl_certificate\s+\S+;', f'ssl_certificate {certificate.cert};'),
        (r'ssl_certificate_key\s+\S+;', f'ssl_certificate_key {certificate.key};'),
    ]
    for pattern, replacement in replacements:
        config, count = re.subn(pattern, replacement, config)
        assert count, f'{pattern} not in scripts/deploy/nginx-tls.conf'
    return config


def nginx_prefix(folder: Path, site: str) -> Path:
    """An nginx prefix of its own (logs, pid, temporary files) whose main configuration includes the site; returns
    the main configuration's path."""
    (folder / 'logs').mkdir(parents=True, exist_ok=True)
    (folder / 'site.conf').write_text(site)
    main = folder / 'nginx.conf'
    main.write_text(
        'pid logs/nginx.pid;\n'
        'error_log logs/error.log warn;\n'
        'events { worker_connections 256; }\n'
        'http {\n'
        '    access_log logs/access.log;\n'
        '    client_body_temp_path temp/body;\n'
        '    proxy_temp_path temp/proxy;\n'
        f'    include {folder / "site.conf"};\n'
        '}\n'
    )
    (folder / 'temp').mkdir(exist_ok=True)
    return main
