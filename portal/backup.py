"""flask backup DIR and flask restore DIR: the database, the uploads (evidence, documents)
and the keys in the instance folder, with a manifest of checksums.

The database is copied with SQLite's online backup API, or with pg_dump / pg_restore
(custom format) on PostgreSQL; both are consistent while the portal runs. A restore goes
into an empty installation (no tables yet) and refuses otherwise.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from .extensions import db

MANIFEST = "manifest.json"
FORMAT = 1


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    return Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _instance_keys(instance: Path, skip: set[Path]) -> list[Path]:
    """The instance folder's own files (secret key and other keys), not databases or caches."""
    return [p for p in _files(instance)
            if p.resolve() not in skip and not p.name.endswith((".sqlite3-wal", ".sqlite3-shm"))
            and "feeds" not in p.relative_to(instance).parts]


def backup(target: Path) -> dict:
    """Write a backup into `target` (new or empty); returns its manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise click.ClickException(f"{target} is not empty")
    dialect = db.engine.dialect.name
    skip: set[Path] = set()
    if dialect == "sqlite":
        source = _sqlite_path()
        skip = {source.resolve()}
        with sqlite3.connect(source) as src, sqlite3.connect(target / "database.sqlite3") as out:
            src.backup(out)
        database = "database.sqlite3"
    elif dialect == "postgresql":
        database = "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target / database}", _libpq_url()])
    else:
        raise click.ClickException(f"cannot back up a {dialect} database")
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    instance = Path(current_app.instance_path)
    skip.add(uploads.resolve())
    copied: dict[str, str] = {}
    for folder, files in (("uploads", [p for p in _files(uploads)
                                       if "feeds" not in p.relative_to(uploads).parts]),
                          ("instance", [p for p in _instance_keys(instance, skip)
                                        if uploads.resolve() not in p.resolve().parents])):
        base = uploads if folder == "uploads" else instance
        for path in files:
            relative = Path(folder) / path.relative_to(base)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
            copied[str(relative)] = _sha256(target / relative)
    revision = db.session.execute(text("select version_num from alembic_version")).scalar()
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                "database": {"dialect": dialect, "file": database,
                             "sha256": _sha256(target / database), "revision": revision},
                "files": copied}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.chmod(target, 0o700)
    return manifest


def restore(source: Path, *, force_files: bool = False) -> dict:
    """Restore a backup from `source` into this (empty) installation."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise click.ClickException(f"{source} holds no readable backup: {error}") from None
    problems = [name for name, digest in manifest["files"].items()
                if not (source / name).is_file() or _sha256(source / name) != digest]
    database = source / manifest["database"]["file"]
    if not database.is_file() or _sha256(database) != manifest["database"]["sha256"]:
        problems.append(manifest["database"]["file"])
    if problems:
        raise click.ClickException("the backup is damaged: " + ", ".join(problems))
    dialect = db.engine.dialect.name
    if dialect != manifest["database"]["dialect"]:
        raise click.ClickException(f"the backup is of a {manifest['database']['dialect']} "
                                   f"database; this installation uses {dialect}")
    tables = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    if tables:
        raise click.ClickException("this installation's database is not empty: restore into "
                                   "a new database (before `db upgrade`)")
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        with sqlite3.connect(database) as src, sqlite3.connect(_sqlite_path()) as out:
            src.backup(out)
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              f"--dbname={_libpq_url()}", str(database)])
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    instance = Path(current_app.instance_path)
    for name in manifest["files"]:
        relative = Path(name)
        base = uploads if relative.parts[0] == "uploads" else instance
        destination = base.joinpath(*relative.parts[1:])
        if destination.exists() and not force_files and _sha256(destination) != \
                manifest["files"][name]:
            if relative.parts[0] == "instance" and relative.name == "secret_key":
                pass  # the backup's key wins: sessions and signed links stay valid
            else:
                raise click.ClickException(f"{destination} exists and differs; use --force")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, destination)
    return manifest


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise click.ClickException(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def register(app: Flask) -> None:
    """Add `flask backup` and `flask restore`."""

    @app.cli.command("backup")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(directory: Path) -> None:
        """Back up the database, uploads and instance keys into DIRECTORY (new or empty)."""
        manifest = backup(directory)
        click.echo(f"backed up the {manifest['database']['dialect']} database at revision "
                   f"{manifest['database']['revision']} and {len(manifest['files'])} file(s) "
                   f"into {directory}")

    @app.cli.command("restore")
    @click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Overwrite files that exist and differ.")
    def restore_command(directory: Path, force: bool) -> None:
        """Restore a backup into this installation, whose database must still be empty."""
        manifest = restore(directory, force_files=force)
        click.echo(f"restored the database at revision {manifest['database']['revision']} and "
                   f"{len(manifest['files'])} file(s) from {directory}; run `flask db upgrade` "
                   "if this release is newer")
