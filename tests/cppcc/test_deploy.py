"""Deployment settings: Django's deploy check passes with the documented production
variables, a weak secret key stops the app, and every page carries a strict CSP."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from cppcc.deploy import secret_key
from tests.cppcc.production import manage, production_env

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cppcc_unused"


def test_the_deploy_check_is_clean_with_the_documented_production_variables():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(DATABASE_URL)
    )
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("change-me", "SECRET_KEY 使用了公开的示例值"),
        ("", "SECRET_KEY 未设置"),
        ("short-but-secret", "SECRET_KEY 过短或过于简单"),
        ("django-insecure-" + "x" * 60, "SECRET_KEY 使用了公开的示例值"),
    ],
)
def test_the_app_refuses_to_start_with_a_weak_secret_key(key, message):
    result = manage("check", env=production_env(DATABASE_URL, SECRET_KEY=key), check=False)
    assert result.returncode != 0 and message in result.stderr


def test_the_demo_and_debug_runs_fall_back_to_a_development_key():
    assert secret_key("", required=False).startswith("insecure-development-key")
    with pytest.raises(ImproperlyConfigured):
        secret_key("change-me", required=False)  # a published key is never accepted


def test_every_page_carries_a_csp_without_inline_scripts(client, world):
    client.force_login(world.staff)
    for url in ("/accounts/login/", "/", "/statistics/", "/api/docs/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", url
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_an_object_store_replaces_the_disk_by_configuration_only():
    env = production_env(
        DATABASE_URL,
        FILE_STORAGE="s3",
        S3_BUCKET="cppcc-files",
        S3_ENDPOINT_URL="https://minio.example.gov.cn",
        S3_ADDRESSING_STYLE="path",
    )
    script = (
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.querystring_auth)"
    )
    result = manage("shell", "-c", script, env=env)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "cppcc-files",
        "https://minio.example.gov.cn",
        "private",
        "True",
    ]
