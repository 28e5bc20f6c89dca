"""Backups proven by restoring them: ``manage.py backup`` on a database with proposals,
replies, events and uploaded files, then ``manage.py restore`` into a fresh database and
an empty media folder, run as separate processes with the production variables — and a
damaged backup or a used database refused before anything is touched."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from cppcc import backup as backup_module
from tests.cppcc.production import database, manage, postgres, production_env

SEED = "from tests.cppcc.production_world import build; build()"


@dataclass
class Installation:
    name: str
    media: Path
    env: dict[str, str]

    def manage(self, *args: str, check: bool = True):
        return manage(*args, env=self.env, check=check)

    def sql(self, query: str) -> list[tuple]:
        return postgres(query, self.name)


def installation(name: str, folder: Path) -> Installation:
    env = production_env(
        f"postgres://postgres@127.0.0.1:5432/{name}",
        MEDIA_ROOT=str(folder / "media"),
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return Installation(name, folder / "media", env)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Iterator[Installation]:
    name = f"{settings.DATABASES['default']['NAME']}_backup_source"
    with database(name):
        site = installation(name, tmp_path_factory.mktemp("source"))
        site.manage("migrate", "--noinput")
        site.manage("shell", "-c", SEED)
        yield site


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory) -> Path:
    out = source.manage("backup", str(tmp_path_factory.mktemp("backups")))
    assert out.stdout.startswith("备份完成："), out.stdout
    return Path(out.stdout.split("：", 1)[1].split("（", 1)[0])


@pytest.fixture
def target(tmp_path) -> Iterator[Installation]:
    name = f"{settings.DATABASES['default']['NAME']}_backup_target"
    with database(name):
        yield installation(name, tmp_path)


def checksums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


CONTENT = {
    "proposals": "SELECT id, number, title, state, suggestions FROM proposals_proposal",
    "replies": "SELECT id, classification, content, attachment FROM proposals_reply",
    "events": "SELECT id, proposal_id, action, to_state, data FROM proposals_proposalevent",
    "attachments": "SELECT id, file, name FROM proposals_attachment",
}


def content(site: Installation) -> dict[str, list[tuple]]:
    return {kind: site.sql(f"{query} ORDER BY id") for kind, query in CONTENT.items()}


def test_a_backup_restores_into_a_fresh_database_and_folder_intact(source, backup, target):
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["proposals_proposal"][0] >= 2
    attachments = source.sql("SELECT file FROM proposals_attachment")
    letters = source.sql("SELECT attachment FROM proposals_reply WHERE attachment <> ''")
    assert attachments and letters
    for (name,) in attachments + letters:
        assert f"media/{name}" in manifest["files"]

    out = target.manage("restore", str(backup))
    assert out.stdout.startswith("恢复完成："), out.stdout

    before, after = content(source), content(target)
    assert all(before[kind] for kind in CONTENT), before
    assert after == before
    assert checksums(target.media) == checksums(source.media)
    # The audit trail is append-only in the restored database too (its trigger came back).
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        target.sql("UPDATE proposals_proposalevent SET action = 'x'")
    # And the restored site works: its migrations are all applied.
    target.manage("migrate", "--check")


def test_a_damaged_backup_is_refused_before_anything_is_touched(backup, target, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    letter = next(p for p in (damaged / "media").rglob("*.pdf"))
    letter.write_bytes(letter.read_bytes() + b"x")

    checked = target.manage("restore", "--check-only", str(damaged), check=False)
    assert checked.returncode == 1 and "校验和不一致" in checked.stderr
    refused = target.manage("restore", str(damaged), check=False)
    assert refused.returncode == 1 and "备份已损坏或被改动" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert target.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
    assert not target.media.exists()

    (damaged / "manifest.json").unlink()
    missing = target.manage("restore", str(damaged), check=False)
    assert missing.returncode == 1 and "不是可用的备份" in missing.stderr


def test_a_database_in_use_is_never_restored_over(source, backup):
    refused = source.manage("restore", str(backup), check=False)
    assert refused.returncode == 1 and "目标数据库不是空库" in refused.stderr


def test_a_table_fingerprint_sees_any_changed_row_but_not_the_order(world):
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, as the commands use it
        before = backup_module.tables(raw)["members_user"]
        world.member.user.first_name += "x"
        world.member.user.save()
        changed = backup_module.tables(raw)["members_user"]
        world.member.user.first_name = world.member.user.first_name[:-1]
        world.member.user.save()  # back as it was, now stored in another place on disk
        again = backup_module.tables(raw)["members_user"]
    assert changed[0] == before[0] and changed[1] != before[1]
    assert again == before
