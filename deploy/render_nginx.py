#!/usr/bin/env python3
"""Render deploy/nginx/shamy.conf.template into an nginx site (standard library only).

    python3 deploy/render_nginx.py --server-name shamy.example.kz \
        --servers 10.0.0.11:8001,10.0.0.12:8001 \
        --certificate /etc/letsencrypt/live/shamy.example.kz/fullchain.pem \
        --certificate-key /etc/letsencrypt/live/shamy.example.kz/privkey.pem \
        > /etc/nginx/sites-available/shamy

With a certificate, nginx listens on 443 (TLS) and redirects port 80 to it; without one (a test,
or TLS ended by a load balancer in front) it listens on ``--listen`` over plain HTTP.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "shamy.conf.template"


def render(
    *,
    servers: list[str],
    server_name: str,
    listen: str = "",
    certificate: str = "",
    certificate_key: str = "",
    max_fails: int = 1,
    fail_timeout: int = 10,
) -> str:
    if len(servers) < 1:
        raise ValueError("at least one app server (host:port)")
    if bool(certificate) != bool(certificate_key):
        raise ValueError("--certificate and --certificate-key go together")
    upstream = "\n".join(
        f"    server {server} max_fails={max_fails} fail_timeout={fail_timeout}s;" for server in servers
    )
    if certificate:
        listen_lines = f"    listen {listen or '443'} ssl http2;\n    listen [::]:{listen or '443'} ssl http2;"
        tls = (
            f"    ssl_certificate {certificate};\n"
            f"    ssl_certificate_key {certificate_key};\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n"
            "    ssl_session_cache shared:shamy_tls:10m;\n"
            "    ssl_session_timeout 1d;\n"
        )
        redirect = (
            "\nserver {\n    listen 80;\n    listen [::]:80;\n"
            f"    server_name {server_name};\n"
            "    # Probes over plain HTTP get their answer (the app exempts them from its redirect).\n"
            "    location ~ ^/(healthz|readyz)$ { proxy_pass http://shamy_app; proxy_set_header Host $host; }\n"
            "    location / { return 301 https://$host$request_uri; }\n}\n"
        )
    else:
        listen_lines = f"    listen {listen or '80'};"
        tls = ""
        redirect = ""
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {
        "@UPSTREAM_SERVERS@": upstream,
        "@HTTP_REDIRECT@": redirect,
        "@LISTEN@": listen_lines,
        "@SERVER_NAME@": server_name,
        "@TLS@": tls,
    }.items():
        text = text.replace(name, value)
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", required=True, help="comma-separated host:port of the gunicorn servers")
    parser.add_argument("--server-name", required=True, help="the site's host name (also in ALLOWED_HOSTS)")
    parser.add_argument("--listen", default="", help="address:port or port (default 443 with TLS, else 80)")
    parser.add_argument("--certificate", default="")
    parser.add_argument("--certificate-key", default="")
    arguments = parser.parse_args(argv)
    servers = [server.strip() for server in arguments.servers.split(",") if server.strip()]
    sys.stdout.write(
        render(
            servers=servers,
            server_name=arguments.server_name,
            listen=arguments.listen,
            certificate=arguments.certificate,
            certificate_key=arguments.certificate_key,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
