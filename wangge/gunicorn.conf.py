"""Gunicorn settings for the production profile (`make serve-prod`, docs/deploy.md).

    gunicorn -c wangge/gunicorn.conf.py wangge.wsgi

Read from the environment: WANGGE_BIND, WEB_CONCURRENCY, WANGGE_THREADS.
"""

import os

bind = os.environ.get("WANGGE_BIND", "127.0.0.1:8000").split(",")

# Processes: the usual 2 × cores + 1, at least 2, so that one busy or restarting worker never
# leaves the county without a server. Counted on the CPUs this process may use (cgroups, taskset).
_cores = len(os.sched_getaffinity(0))
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, 2 * _cores + 1))

# gthread, not sync. Grid workers upload photos (up to 8 MB) from phones on mobile networks, and
# Django reads the whole body in the worker: a sync worker is held for the whole slow upload (and
# has no keep-alive), so it is only safe behind a buffering proxy, and nginx is optional here.
# Measured on 2 cores, 5 workers, demo data (docs/deploy.md, "Application server"): the same
# throughput (/cases/ logged in: sync 99 req/s, gthread ×4 119 req/s; /login/: 878 and 915),
# but with 8 slow uploads in flight sync made the next page wait 6 s for a free worker and gthread
# answered at once. Threads also share one copy of the grid index (territory/grid_index.py).
# Note: gunicorn silently turns `sync` into gthread when threads > 1.
worker_class = "gthread"
threads = int(os.environ.get("WANGGE_THREADS", "4"))

# Not preloaded: each worker imports Django itself, so a `systemctl reload` (HUP) picks up new
# code worker by worker, and no database connection is ever shared across a fork.
preload_app = False

timeout = 60  # a worker silent this long is killed and replaced
graceful_timeout = 30  # on TERM/HUP, running requests get this long to finish
keepalive = 5  # seconds; above nginx's default upstream reuse, below typical client idle
max_requests = 2000  # recycle a worker now and then, so slow leaks never accumulate
max_requests_jitter = 200

# Logs go to stdout/stderr, where systemd's journal (or the terminal) collects them.
# Access log: the usual combined format plus the time taken, in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
proc_name = "wangge"

# Gunicorn ≥ 25 opens a control socket in $HOME/.gunicorn by default, shared by every instance
# a user runs; the service is managed with signals (systemctl reload/stop), so it is not needed.
control_socket_disable = True

# X-Forwarded-Proto/-For are trusted only from these addresses (nginx on the same host), so that
# Django sees https behind a TLS-terminating proxy. Gunicorn's default; FORWARDED_ALLOW_IPS overrides.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
