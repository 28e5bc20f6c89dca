"""Backups of an installation — the PostgreSQL database and the uploaded files — and
their restore, each proven by a checksum manifest.

A backup is a folder::

    cppcc-backup-20261207-030000/
        database.dump     pg_dump's custom format (compressed, restored by pg_restore)
        media/…           a copy of MEDIA_ROOT (attachments, reply letters, exports)
        manifest.json     what it holds: the SHA-256 of every file, and each table's rows
                          (a count and an order-free fingerprint of their contents)

The dump and the table fingerprints come from one exported snapshot (``pg_dump
--snapshot``): they describe the same moment even while people work. The files are
copied after it, so every file the dump refers to is there (a file uploaded meanwhile
is in the copy but not yet in the dump, which does no harm).

A restore checks every file against the manifest before it touches anything, restores
into an empty database in one transaction and into an empty media folder, then checks
that every table holds exactly the rows the manifest describes. Any difference stops it
with a Chinese message (``BackupError``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.utils import timezone
from psycopg import sql
from psycopg.conninfo import make_conninfo

FORMAT = 1  # of manifest.json
DUMP = "database.dump"
MEDIA = "media"
MANIFEST = "manifest.json"
# Each table's rows as a count and the sum of a 60-bit hash of each row's text: equal
# after a restore exactly when the same rows came back, whatever their order.
FINGERPRINT = (
    "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)"
    " FROM {} AS t"
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


@dataclass(frozen=True)
class Database:
    """The connection the commands use: the site's own ``DATABASES['default']``."""

    conninfo: str
    env: dict[str, str]

    @classmethod
    def current(cls) -> Database:
        if connection.vendor != "postgresql":
            raise BackupError(
                "备份与恢复只支持 PostgreSQL（DATABASE_URL）；演示用的 SQLite 请直接复制文件。"
            )
        s = connection.settings_dict
        parts = {"dbname": s["NAME"], "user": s["USER"], "host": s["HOST"], "port": s["PORT"]}
        conninfo = make_conninfo(**{k: str(v) for k, v in parts.items() if v})
        env = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
        return cls(conninfo, env)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.conninfo)

    def run(self, *command: str) -> None:
        try:
            done = subprocess.run(command, env=self.env, capture_output=True, text=True)
        except FileNotFoundError as exc:
            raise BackupError(
                f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）。"
            ) from exc
        if done.returncode != 0:
            raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}")


def media_root() -> Path | None:
    """MEDIA_ROOT, or None when the files live in an object store (``FILE_STORAGE=s3``):
    those are kept by the store's own versioning or replication, not copied here."""
    if not isinstance(default_storage, FileSystemStorage):
        return None
    return Path(settings.MEDIA_ROOT)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# Rows are hashed as text: the settings that shape that text are fixed, so a restore on
# a server configured otherwise (another time zone, say) gives the same fingerprints.
AS_TEXT = [
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
]


def tables(cursor: psycopg.Cursor) -> dict[str, list[int | str]]:
    """Every table of the public schema: ``[row count, fingerprint]``."""
    for statement in AS_TEXT:
        cursor.execute(statement)
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    names = [name for (name,) in cursor.fetchall()]
    found = {}
    for name in names:
        cursor.execute(sql.SQL(FINGERPRINT).format(sql.Identifier(name)))
        count, fingerprint = cursor.fetchone()
        found[name] = [count, str(fingerprint)]
    return found


def create(destination: Path, now: datetime.datetime | None = None) -> Path:
    """Write a backup folder under ``destination``; returns it."""
    database = Database.current()
    source = media_root()
    now = timezone.localtime(now)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    folder = destination / f"cppcc-backup-{stamp}"
    if folder.exists():
        raise BackupError(f"{folder} 已存在。")
    folder.mkdir(parents=True)
    try:
        with database.connect() as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, server_version = cursor.fetchone()
                database.run(
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={folder / DUMP}",
                    f"--dbname={database.conninfo}",
                )
                counted = tables(cursor)
        files = _copy_media(source, folder / MEDIA) if source else {}
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave half a backup behind
        raise
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "postgresql": server_version,
        "media": "MEDIA_ROOT" if source else "object storage (FILE_STORAGE)",
        "files": {DUMP: _describe(folder / DUMP), **files},
        "tables": counted,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return folder


def _describe(path: Path) -> dict[str, int | str]:
    return {"size": path.stat().st_size, "sha256": sha256(path)}


def _copy_media(source: Path, target: Path) -> dict[str, dict[str, int | str]]:
    target.mkdir()
    files = {}
    if source.exists():
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            relative = path.relative_to(source)
            copy = target / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files[f"{MEDIA}/{relative.as_posix()}"] = _describe(copy)
    return files


def verify(folder: Path) -> dict:
    """The manifest of ``folder``, once every file matches it (no file missing, changed
    or added)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} 不是可用的备份：读不到 {MANIFEST}（{exc}）。") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')!r}。")
    present = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    listed = set(manifest["files"])
    if missing := sorted(listed - present):
        raise BackupError(f"备份不完整，缺少 {len(missing)} 个文件，例如 {missing[0]}。")
    if extra := sorted(present - listed):
        raise BackupError(f"备份中有清单之外的文件，例如 {extra[0]}。")
    for name, expected in manifest["files"].items():
        if _describe(folder / name) != expected:
            raise BackupError(f"备份文件 {name} 与清单的校验和不一致：备份已损坏或被改动。")
    return manifest


def restore(folder: Path) -> dict:
    """Restore ``folder`` into the (empty) configured database and media folder; returns
    the manifest. Nothing is touched unless every check before it passes."""
    manifest = verify(folder)
    database = Database.current()
    target = media_root()
    with database.connect() as conn:
        existing = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    if existing:
        raise BackupError(f"目标数据库不是空库（已有 {existing} 张表）：请恢复到新建的空数据库。")
    if target is None and any(True for _ in _media_files(manifest)):
        raise BackupError(
            "备份含上传文件，但当前配置把文件存放在对象存储中：请用 FILE_STORAGE=local 恢复。"
        )
    if target is not None and target.exists() and any(target.iterdir()):
        raise BackupError(f"目标文件目录 {target} 不是空的：请恢复到新的空目录（MEDIA_ROOT）。")
    database.run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={database.conninfo}",
        str(folder / DUMP),
    )
    for name, relative, _expected in _media_files(manifest):
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / name, copy)
    _check_restored(database, target, manifest)
    return manifest


def _check_restored(database: Database, target: Path | None, manifest: dict) -> None:
    with database.connect() as conn, conn.cursor() as cursor:
        restored = tables(cursor)
    if restored != manifest["tables"]:
        differ = sorted(
            name
            for name in set(restored) | set(manifest["tables"])
            if restored.get(name) != manifest["tables"].get(name)
        )
        raise BackupError(f"恢复后的数据与备份清单不一致：{', '.join(differ[:5])}。")
    for name, relative, expected in _media_files(manifest):
        if _describe(target / relative) != expected:
            raise BackupError(f"恢复后的文件 {name} 校验和不一致。")


def _media_files(manifest: dict) -> Iterator[tuple[str, str, dict]]:
    """(name in the backup, path under MEDIA_ROOT, size and checksum) of each file."""
    for name, expected in manifest["files"].items():
        if name.startswith(f"{MEDIA}/"):
            yield name, name.removeprefix(f"{MEDIA}/"), expected
