"""`quizbot backup PATH` and `quizbot restore PATH`: the SQL database to one file and back.

What the file holds and how it is read consistently while the bot runs: storage.backup; how a
restore is done in one transaction and what the live state forgets afterwards: storage.restore.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.cli.common import console, err, load_settings, run_or_exit
from bot.config import Settings
from handlers.formatting import number_vn
from storage.backup import BackupError, BackupInfo, BackupReader
from storage.backup import backup as write_backup
from storage.db import create_engine
from storage.restore import NotEmptyError, forget_after_restore, restore
from storage.session import SessionStore, connect_redis


def _where(settings: Settings) -> str:
    """The database's address without its password."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _tables(info: BackupInfo) -> str:
    return ", ".join(f"{name} {number_vn(n)}" for name, n in info.tables.items())


async def _progress(table: str) -> None:
    console.print(f"  {table}…", highlight=False)


def backup_command(
    path: Annotated[Path, typer.Argument(help="Tệp sao lưu sẽ ghi, ví dụ quizbot-2024-03-31.gz.")],
) -> None:
    """Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) vào một tệp, kể cả khi bot đang chạy."""
    settings = load_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        # Connecting would create an empty database where the operator expected theirs.
        err.print(
            f"[red]Không có cơ sở dữ liệu ở {escape(str(url.database))}[/red] (DATABASE_URL)."
        )
        raise typer.Exit(1)

    async def go() -> BackupInfo:
        engine = create_engine(settings.database_url)
        try:
            return await write_backup(engine, path, now=datetime.now(UTC), on_table=_progress)
        finally:
            await engine.dispose()

    console.print(f"Sao lưu {escape(_where(settings))} vào {escape(str(path))}:")
    try:
        info = run_or_exit(go())
    except BackupError as exc:
        err.print(f"[red]Không sao lưu được:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    size = path.stat().st_size
    console.print(
        f"Đã sao lưu {number_vn(info.rows)} dòng của {len(info.tables)} bảng "
        f"(lược đồ {info.revision}), {size / 1_000_000:.1f} MB: {_tables(info)}.",
        highlight=False,
    )


def restore_command(
    path: Annotated[Path, typer.Argument(help="Tệp sao lưu do quizbot backup ghi.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Ghi đè cả khi cơ sở dữ liệu đã có dữ liệu (xoá hết)."),
    ] = False,
) -> None:
    """Khôi phục cơ sở dữ liệu từ tệp sao lưu (dừng bot trước khi khôi phục)."""
    settings = load_settings()
    try:
        reader = BackupReader(path)
    except BackupError as exc:
        err.print(f"[red]Không khôi phục được:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    info = reader.info
    console.print(
        f"Tệp {escape(str(path))}: sao lưu lúc {info.created_at:%H:%M:%S %d/%m/%Y} UTC từ "
        f"{info.dialect}, lược đồ {info.revision}, {number_vn(info.rows)} dòng. "
        f"Khôi phục vào {escape(_where(settings))}:",
        highlight=False,
    )
    try:
        run_or_exit(_restore(settings, reader, force=force))
    except NotEmptyError as exc:
        held = ", ".join(f"{name} {number_vn(n)}" for name, n in exc.tables.items())
        err.print(
            f"[red]Cơ sở dữ liệu đã có dữ liệu[/red] ({escape(held)}): không ghi đè. "
            "Thêm --force để xoá hết và thay bằng bản sao lưu."
        )
        raise typer.Exit(1) from exc
    except BackupError as exc:
        err.print(f"[red]Không khôi phục được, cơ sở dữ liệu giữ nguyên:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    finally:
        reader.close()


async def _restore(settings: Settings, reader: BackupReader, *, force: bool) -> None:
    redis = connect_redis(settings.redis_url) if settings.redis_url else None
    store = SessionStore(redis, settings.redis_prefix) if redis is not None else None
    engine = create_engine(settings.database_url)
    try:
        if store is not None and await store.redis.exists(store.keys.leader):
            raise BackupError(
                "a bot process is running (it holds the scheduler's lock in Redis, "
                f"{store.keys.leader}): stop every bot process first; the lock goes within "
                f"{settings.leader_ttl_seconds:.0f} s"
            )
        done = await restore(engine, reader, force=force, on_table=_progress)
        console.print(
            f"Đã khôi phục {number_vn(done.info.rows)} dòng: {_tables(done.info)}.",
            highlight=False,
        )
        if done.migrated:
            console.print(
                f"Lược đồ của bản sao lưu ({done.info.revision}) đã được nâng lên {done.revision}."
            )
        if store is not None:
            async with engine.connect() as conn:
                ids = (await conn.execute(text("SELECT id FROM participants"))).scalars().all()
            gone = await forget_after_restore(store, ids)
            console.print(
                f"Redis ({settings.redis_prefix}): bỏ {number_vn(gone.cached_accounts)} liên kết "
                f"tài khoản đã nhớ, {number_vn(gone.link_codes)} mã liên kết và "
                f"{number_vn(gone.attempts)} lượt thi dở của người không có trong bản sao lưu.",
                highlight=False,
            )
    finally:
        await engine.dispose()
        if redis is not None:
            await redis.aclose()
