"""deploy/ stays true to the code: nginx accepts the rendered TLS site, the units start commands that
exist, every variable of the env example is one the settings read, gunicorn's config loads.

(The plain-HTTP rendering runs for real in test_multiserver.py.)
"""

from __future__ import annotations

import configparser
import datetime
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parents[3]
DEPLOY = BASE_DIR / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shamy.example.kz")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_nginx_accepts_the_rendered_tls_site(tmp_path):
    cert, key = _self_signed(tmp_path)
    servers = "10.0.0.11:8001,10.0.0.12:8001,10.0.0.13:8001"
    rendered = subprocess.run(  # noqa: S603 (this interpreter, the repository's script)
        [sys.executable, str(DEPLOY / "render_nginx.py"), "--servers", servers, "--server-name", "shamy.example.kz",
         "--certificate", str(cert), "--certificate-key", str(key)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert "@" not in re.sub(r"#.*", "", rendered)  # every placeholder filled
    for server in servers.split(","):
        assert f"server {server} max_fails=1 fail_timeout=10s;" in rendered
    assert "listen 443 ssl" in rendered and "return 301 https://$host$request_uri;" in rendered
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in rendered

    (tmp_path / "shamy.conf").write_text(rendered)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path / 'shamy.conf'};\n}}\n"
    )
    checked = subprocess.run(  # noqa: S603 (Debian's nginx, a configuration this test wrote)
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "systemd" / name)
    return unit


def test_the_units_start_the_real_commands():
    web = _unit("shamy-web@.service")["Service"]
    assert web["ExecStart"] == "/srv/shamy/.venv/bin/gunicorn -c deploy/gunicorn.conf.py"
    assert web["Environment"] == "SHAMY_BIND=127.0.0.1:%i"
    assert web["EnvironmentFile"] == "/etc/shamy/shamy.env"
    worker = _unit("shamy-worker.service")["Service"]
    command = worker["ExecStart"].split()
    assert command[:3] == ["/srv/shamy/.venv/bin/python", "manage.py", "db_worker"]
    assert get_commands()["db_worker"] == "django_tasks_db"  # the installed django-tasks-db's command


def test_every_variable_of_the_env_example_is_read_by_the_settings():
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "shamy.env.example").read_text(), flags=re.MULTILINE)
    read = (BASE_DIR / "shamy" / "settings.py").read_text()
    for name in names:
        if name == "DJANGO_SETTINGS_MODULE":
            continue
        base = name.removesuffix("_FILE")  # SECRET_KEY_FILE: env_str reads NAME or NAME_FILE
        assert f'"{base}"' in read, f"{name} is in deploy/shamy.env.example but shamy/settings.py never reads it"
    for required in ("DATABASE_URL", "SHAMY_REDIS_URL", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "TRUSTED_PROXY_COUNT"):
        assert required in names


def test_the_gunicorn_config_loads_with_the_units_environment(monkeypatch):
    monkeypatch.setenv("SHAMY_BIND", "127.0.0.1:8002")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8002"]
    assert config["workers"] == 3
    assert config["wsgi_app"] == "shamy.wsgi:application"
    assert config["proc_name"] == "shamy-8002"
    assert config["timeout"] < 75  # below nginx's proxy_read_timeout in the template
    assert "proxy_read_timeout 75s;" in (DEPLOY / "nginx" / "shamy.conf.template").read_text()


@pytest.mark.parametrize("name", ["shamy-web@.service", "shamy-worker.service"])
def test_the_units_are_valid_systemd_units(name, tmp_path):
    systemd_analyze = shutil.which("systemd-analyze")
    if systemd_analyze is None:
        pytest.fail("systemd-analyze is missing (Debian's systemd package)")
    unit = tmp_path / (name.replace("@.", "@8001.") if "@" in name else name)
    unit.write_text((DEPLOY / "systemd" / name).read_text())
    result = subprocess.run(  # noqa: S603 (Debian's systemd-analyze on a copy of the unit)
        [systemd_analyze, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The programs live on the target machine (/srv/shamy); anything else (an unknown key, a bad
    # value, a missing section) is a problem of the file.
    problems = [line for line in result.stderr.splitlines() if line.strip() and "/srv/shamy/" not in line]
    assert problems == [], result.stderr
