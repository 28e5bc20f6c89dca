"""A scratch PostgreSQL database for a benchmark, and the guard that keeps benchmarks off
every other database.

The guard runs before Django is set up, so nothing (not even ``migrate``) can touch a
database the benchmark did not create: the name must start with ``cppcc_bench_``, and an
existing database of that name is dropped only if it carries this module's comment.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

PREFIX = "cppcc_bench_"
MARK = "cppcc benchmark scratch database (benchmarks/scratch.py); safe to drop"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def refuse(message: str) -> None:
    sys.exit(f"拒绝执行：{message}")


def create(name: str, server: str = DEFAULT_SERVER) -> str:
    """Create the scratch database ``name`` (re-creating one this module made); its URL."""
    if not re.fullmatch(rf"{PREFIX}[a-z0-9_]+", name):
        refuse(f"基准测试只使用名为 {PREFIX}… 的临时数据库，不使用 {name!r}。")
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None:
            if row[0] != MARK:
                refuse(f"数据库 {name} 已存在且不是基准测试创建的，不会改动它。")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(MARK))
        )
    return _with_database(server, name)


def existing(name: str, server: str = DEFAULT_SERVER) -> str:
    """The URL of scratch database ``name``, made earlier by ``create`` (a helper process
    of a benchmark); refuses any other database."""
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if row is None or row[0] != MARK or not name.startswith(PREFIX):
        refuse(f"数据库 {name} 不是基准测试创建的临时数据库。")
    return _with_database(server, name)


def load() -> str:
    """The machine's load, printed beside timings that depend on it."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} CPUs"


def drop(name: str, server: str = DEFAULT_SERVER) -> None:
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] == MARK:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def parser(description: str, database: str) -> argparse.ArgumentParser:
    """A benchmark's command line, with the scratch database's options."""
    made = argparse.ArgumentParser(description=description)
    made.add_argument("--database", default=database, help=f"临时数据库名（{PREFIX}…）")
    made.add_argument("--server", default=DEFAULT_SERVER)
    made.add_argument("--keep", action="store_true", help="不删除临时数据库")
    return made


def run(args: argparse.Namespace, work: Callable[[argparse.Namespace], None]) -> None:
    """``work(args)`` with Django on a fresh scratch database, dropped afterwards."""
    url = create(args.database, args.server)
    try:
        setup_django(url)
        work(args)
    finally:
        if not args.keep:
            drop(args.database, args.server)


def setup_django(database_url: str) -> None:
    """Django on the scratch database, as production runs it (DEBUG off)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cppcc.settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    os.environ.setdefault("STATIC_ROOT", os.path.join(tempfile.gettempdir(), "cppcc_bench_static"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the manifest
