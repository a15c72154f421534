"""Databases of their own for the servers the browser tests start: an empty
one to seed, a pristine copy of it once seeded, or a copy of that (SQLite
files, or PostgreSQL databases on the server DATABASE_URL names)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

# pg_dump and psql must finish within this many seconds.
COPY_TIMEOUT = 90


def run_on_server(database_url: str, sql: str) -> None:
    """Run `sql` (CREATE/DROP DATABASE) on the PostgreSQL server of `database_url`,
    connected to its `postgres` database, outside a transaction."""
    admin_url = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def empty_database(var_dir: Path) -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for an empty database of the browser tests' own, and its cleanup."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        return f"sqlite:///{var_dir / 'browser.sqlite3'}", lambda: None
    parts = urlsplit(configured)
    name = f"faro_browser_{os.getpid()}"
    run_on_server(configured, f'DROP DATABASE IF EXISTS "{name}"')
    run_on_server(configured, f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run_on_server(
        configured, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def pristine_copy(database_url: str) -> tuple[str, Callable[[], None]]:
    """A copy of a just-seeded database that no server ever connects to, and its drop.

    PostgreSQL copies a database as a template only while nobody is connected
    to it: sites that copy this one (`copy_database`) get the seed as built,
    whatever a server has since done to the original, and never need pg_dump.
    SQLite needs none (the backup API copies an open file): the URL is returned.
    """
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        return database_url, lambda: None
    source_name = parts.path.lstrip("/")
    name = f"{source_name}_seed"
    run_on_server(database_url, f'DROP DATABASE IF EXISTS "{name}"')
    try:
        run_on_server(database_url, f'CREATE DATABASE "{name}" TEMPLATE "{source_name}"')
    except psycopg2.errors.ObjectInUse:
        # Still connected (PostgreSQL waits 5 s for leaving sessions): copies
        # come from the original, as copy_database can.
        return database_url, lambda: None
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run_on_server(
        database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def copy_database(source_url: str, var_dir: Path) -> tuple[str, Callable[[], None]]:
    """A copy of the seeded database at `source_url`, and a function that drops it.

    SQLite is copied with the backup API (consistent even while another
    server has the file open); PostgreSQL from the seeded database as a
    template, or with pg_dump when another server is connected to it.
    """
    parts = urlsplit(source_url)
    if parts.scheme == "sqlite":
        target = var_dir / "editorial.sqlite3"
        source = sqlite3.connect(parts.path)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return f"sqlite:///{target}", lambda: None

    source_name = parts.path.lstrip("/")
    name = f"{source_name}_editorial"
    target_url = urlunsplit(parts._replace(path=f"/{name}"))
    run_on_server(source_url, f'DROP DATABASE IF EXISTS "{name}"')
    try:
        run_on_server(source_url, f'CREATE DATABASE "{name}" TEMPLATE "{source_name}"')
    except psycopg2.errors.ObjectInUse:
        # The other browser tests' server holds connections to the seeded
        # database: copy it through pg_dump instead.
        run_on_server(source_url, f'CREATE DATABASE "{name}"')
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", source_url],
            capture_output=True,
            check=True,
            timeout=COPY_TIMEOUT,
        )
        subprocess.run(
            ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", target_url],
            input=dump.stdout,
            capture_output=True,
            check=True,
            timeout=COPY_TIMEOUT,
        )
    return target_url, lambda: run_on_server(
        source_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )
