"""gunicorn settings for the web container (``gunicorn -c python:cppcc.gunicorn_conf``).

Everything a deployment may want to change comes from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then: a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The proxy in front (nginx) may set X-Forwarded-*; nobody else.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
