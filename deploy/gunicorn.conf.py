"""gunicorn settings of a production web process (`gunicorn -c deploy/gunicorn.conf.py`).

Every value is a setting of ``pracharat/settings.py`` (read from the environment there, checked
there: a bad value stops the master before any worker starts; docs/configuration.md,
"Processes"). The web workers are stateless: sessions, cache and rate limits live in PostgreSQL
and Redis, so any number of these processes on any number of hosts serve alike. With
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's own variable) set, its multiprocess mode adds
up every worker's request counters in one ``/metrics`` answer; the directory is emptied when
the master starts and a dead worker's files are marked dead, as prometheus_client asks.
"""

import os
import shutil
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pracharat.settings")
from pracharat import settings as _settings

wsgi_app = "pracharat.wsgi:application"
bind = _settings.PRACHARAT_BIND.split(",")
workers = _settings.WEB_WORKERS
threads = _settings.WEB_THREADS
worker_class = "gthread"
timeout = _settings.WEB_TIMEOUT  # a request slower than this is a stuck worker: restarted
graceful_timeout = _settings.WEB_GRACEFUL_TIMEOUT
keepalive = 5
# Recycle a worker now and then (memory a big export took comes back); 0: never.
max_requests = _settings.WEB_MAX_REQUESTS
max_requests_jitter = max_requests // 10
accesslog = "-" if _settings.WEB_ACCESS_LOG else None
errorlog = "-"
loglevel = _settings.LOGGING["root"]["level"].lower()
# gunicorn believes X-Forwarded-Proto only from these (the TLS proxy); Django decides on
# X-Forwarded-For by itself (TRUSTED_PROXIES).
forwarded_allow_ips = ",".join(_settings.TRUSTED_PROXIES) or "127.0.0.1,::1"
proc_name = "pracharat-web"

_multiproc = _settings.PROMETHEUS_MULTIPROC_DIR


def on_starting(server):
    if _multiproc:
        path = Path(_multiproc)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if _multiproc:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
