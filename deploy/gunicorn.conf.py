"""gunicorn for one Shamy app server: ``gunicorn -c deploy/gunicorn.conf.py``.

Every server runs this same file; ``SHAMY_BIND`` says where it listens (the systemd unit
``shamy-web@PORT`` sets ``127.0.0.1:PORT``; on a machine of its own, its private address). The
other settings come from the environment file (deploy/shamy.env.example).
"""

import multiprocessing
import os

wsgi_app = "shamy.wsgi:application"
bind = [os.environ.get("SHAMY_BIND", "127.0.0.1:8001")]
# Sync workers: every page is short and nginx buffers slow clients. 2 x cores + 1 by default.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
# Below nginx's proxy_read_timeout (75 s); a large import runs as a background task instead.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Workers are replaced now and then, so a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
# nginx on this machine or the private network is the only client; it sets X-Forwarded-*.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "shamy-" + bind[0].rsplit(":", 1)[-1]
