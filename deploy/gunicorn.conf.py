"""gunicorn settings for the academy (read by deploy/prod.sh; copy for a server).

APP_WORKERS processes, each with APP_THREADS threads, on loopback behind nginx.
"""

import os

bind = f"127.0.0.1:{os.environ.get('GUNICORN_PORT', '18001')}"
workers = int(os.environ.get("APP_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("APP_THREADS", "4"))
backlog = 256
timeout = 60
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
loglevel = "warning"
