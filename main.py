"""Entry point: `python main.py` serves the messenger; `create-admin` and `set-password` manage accounts; `backup`,
`restore` and `export-room` look after the data (storage/backup.py, chat/export.py, docs/operations.md)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from chat.settings import Settings

SIMULATION = 'NICEGUI_USER_SIMULATION' in os.environ


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Self-hosted real-time messenger')
    parser.add_argument('--host', help='interface to listen on (CHAT_HOST, default 127.0.0.1)')
    parser.add_argument('--port', type=int, help='port to listen on (CHAT_PORT, default 8080)')
    parser.add_argument('--data-dir', help='folder for the database, sessions and media (CHAT_DATA_DIR)')
    parser.add_argument('--native', action='store_true', help='open in a native desktop window (needs pywebview)')
    commands = parser.add_subparsers(dest='command')
    admin = commands.add_parser('create-admin', help='create an admin or promote an existing user')
    admin.add_argument('username')
    reset = commands.add_parser('set-password', help="reset a user's password and end their sessions")
    reset.add_argument('username')
    folder = {'default': argparse.SUPPRESS, 'help': 'the data folder (CHAT_DATA_DIR, default ./data)'}
    save = commands.add_parser('backup', help='archive the database, media and storage secret (server may run)')
    save.add_argument('file', type=Path, help='the archive to write (.tar.gz)')
    save.add_argument('--data-dir', **folder)
    load = commands.add_parser('restore', help='recreate a data folder from a backup archive')
    load.add_argument('file', type=Path, help='an archive made by `backup`')
    load.add_argument('--data-dir', required=True, help='the folder to create (absent or empty)')
    export = commands.add_parser('export-room', help="write a room's public history as JSON or HTML")
    export.add_argument('name', help='the room name')
    export.add_argument('--format', choices=('json', 'html'), default='json')
    export.add_argument('--output', type=Path, help='the file to write (default: standard output)')
    export.add_argument('--data-dir', **folder)
    return parser.parse_args(argv)


def load_settings(args: argparse.Namespace | None) -> Settings:
    overrides = {}
    if args is not None:
        overrides = {k: v for k, v in (('host', args.host), ('port', args.port), ('data_dir', args.data_dir)) if v}
    try:
        return Settings(**overrides)
    except ValidationError as error:  # nonsense in the environment: say which setting and why, then stop
        problems = '; '.join(f'CHAT_{str(e["loc"][0]).upper()}: {e["msg"]}' for e in error.errors())
        sys.exit(f'Invalid setting: {problems}')


def prepare_environment(settings: Settings) -> None:
    """NiceGUI reads these when it is imported: sessions live in the data folder (or Redis when scaled out)."""
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str((settings.data_dir / 'sessions').resolve()))
    if settings.redis_url:
        os.environ.setdefault('NICEGUI_REDIS_URL', settings.redis_url)
        os.environ.setdefault('NICEGUI_REDIS_KEY_PREFIX', f'{settings.redis_prefix}:nicegui:')


def read_password(env_name: str) -> str:
    password = os.environ.get(env_name)
    if password:
        return password
    first = getpass.getpass('Password: ')
    if first != getpass.getpass('Repeat password: '):
        sys.exit('The passwords differ.')
    return first


def run_admin_command(args: argparse.Namespace, settings: Settings) -> None:
    from chat import services as service_factory
    from chat.errors import ChatError
    from chat.i18n import translate

    async def work() -> str:
        services = service_factory.build(settings)
        await asyncio.to_thread(services.migrate)
        await services.start()
        try:
            if args.command == 'create-admin':
                user, created = await services.accounts.make_admin(args.username, read_password('CHAT_ADMIN_PASSWORD'))
                return f'{"Created" if created else "Promoted"} admin {user.username}.'
            user = await services.accounts.set_password_admin(args.username, read_password('CHAT_NEW_PASSWORD'))
            return f'Password of {user.username} changed; their sessions are ended.'
        finally:
            await services.stop()

    try:
        print(asyncio.run(work()))
    except ChatError as error:
        sys.exit(translate(settings.default_language, error.key, **error.params))


def fail(message: str) -> NoReturn:
    """A refusal the operator can act on: the message alone, exit code 2."""
    print(message, file=sys.stderr)
    sys.exit(2)


def run_backup(args: argparse.Namespace, settings: Settings) -> None:
    from sqlalchemy.engine import make_url

    from storage.backup import BackupError, backup
    from storage.progress import Progress

    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() != 'sqlite':
        fail(
            'This server keeps its data in PostgreSQL (CHAT_DATABASE_URL): `backup` copies SQLite data folders only. '
            'Use pg_dump -Fc for the database and archive the media folder and the storage secret with it: see '
            '"Backup, restore, export and upgrades" in docs/operations.md.'
        )
    try:
        manifest, path = backup(
            settings.data_dir.resolve(),
            Path(url.database or ''),
            settings.media_path,
            args.file,
            Progress(),
            files_dir=settings.files_path,
        )
    except BackupError as error:
        fail(str(error))
    counts = manifest.counts
    print(
        f'Backup written to {path}: {counts["users"]} users, {counts["rooms"]} rooms, {counts["messages"]} messages, '
        f'{manifest.files["media"]} media files, {manifest.files.get("files", 0)} attachment files '
        f'(schema {manifest.alembic_revision}).'
    )
    if settings.storage_secret:
        print('The storage secret comes from CHAT_STORAGE_SECRET and is not in the archive: keep it with the archive.')
    elif not manifest.storage_secret:
        print('The data folder has no storage secret yet (the server makes it when it first starts).')


def run_restore(args: argparse.Namespace, settings: Settings) -> None:
    from storage.backup import BackupError, restore
    from storage.progress import Progress

    try:
        restored = restore(args.file, Path(args.data_dir), Progress())
    except BackupError as error:
        fail(str(error))
    counts = restored.manifest.counts
    print(
        f'Restored {counts["users"]} users, {counts["rooms"]} rooms, {counts["messages"]} messages and '
        f'{restored.manifest.files["media"]} media files (backup of {restored.manifest.created_at}) into '
        f'{restored.data_dir}. Start the server with --data-dir {restored.data_dir}.'
    )
    for note in restored.notes:
        print(note)
    if settings.database_url:
        print('Note: CHAT_DATABASE_URL is set; a server started with it uses that database, not the restored file.')


def run_export(args: argparse.Namespace, settings: Settings) -> None:
    from sqlalchemy.engine import make_url

    from chat import export
    from chat.errors import ChatError
    from chat.i18n import translate
    from storage.db import Database
    from storage.progress import Progress

    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() == 'sqlite' and not Path(url.database or '').is_file():
        fail(f'No database at {url.database}: point --data-dir (or CHAT_DATA_DIR) at the data folder.')
    db = Database(settings.sqlalchemy_url, threads=1)
    try:
        try:
            room = export.find_room(db, args.name)
        except ChatError as error:
            fail(translate(settings.default_language, error.key, **error.params))
        target: Path | None = args.output
        part = target.with_name(f'{target.name}.part') if target else None
        out = part.open('w', encoding='utf-8') if part else sys.stdout
        try:
            with Progress().step(f'Exporting room {room.name}', room.count, unit='messages') as advance:
                written = export.write(db, room, out, args.format, settings.default_language, advance)
        except BrokenPipeError:  # piped into `head` or a pager that quit: stop without a traceback
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        finally:
            if part:
                out.close()
        if target and part:
            os.replace(part, target)
    finally:
        db.close()
    print(f'Exported {written} messages of room {room.name} to {target or "standard output"}.', file=sys.stderr)


OPERATIONS = {'backup': run_backup, 'restore': run_restore, 'export-room': run_export}


def create_app(settings: Settings) -> None:
    from nicegui import app

    import pages
    from chat import services as service_factory
    from pages import security, shutdown

    if settings.fastpath:  # the speed layer: patches NiceGUI and its transport (pages/fastpath, docs/PERFORMANCE.md)
        from pages import fastpath

        fastpath.enable(settings, server=not SIMULATION)
    services = service_factory.build(settings)
    services.migrate()
    app.state.services = services  # for tests and admin tooling; pages get it through pages.register
    app.on_startup(services.start)
    app.state.graceful = shutdown.install(services, server=not SIMULATION)
    security.install(settings)
    pages.register(services)
    # NiceGUI runs shutdown handlers in the order they were added: the services (and their database) stop last,
    # after what the pages run on them (the session sweep) has stopped
    app.on_shutdown(services.stop)


def session_options(settings: Settings) -> dict:
    return {'max_age': settings.session_max_age, 'same_site': 'lax', 'https_only': settings.secure_cookies}


def main() -> None:
    args = None if SIMULATION else parse_args(sys.argv[1:])
    settings = load_settings(args)
    prepare_environment(settings)
    if not SIMULATION:  # under the screen tests pytest owns the log
        from chat import logs

        logs.configure(settings.log_format, settings.log_level)
    if args is not None and args.command:
        OPERATIONS.get(args.command, run_admin_command)(args, settings)
        return
    from nicegui import app, ui

    from pages.shutdown import uvicorn_timeout

    create_app(settings)
    native = bool(args and args.native)
    ui.run(
        host=settings.host,
        port=settings.port,
        title='Messenger',
        reload=False,
        show=False,
        storage_secret=settings.resolve_storage_secret(),
        session_middleware_kwargs=session_options(settings),
        reconnect_timeout=settings.reconnect_timeout,
        native=native,
        favicon='💬',
        language='en-US',
        show_welcome_message=not SIMULATION,
        ws_per_message_deflate=settings.ws_compression,
        timeout_graceful_shutdown=uvicorn_timeout(settings.shutdown_timeout),
        log_config=None,  # uvicorn logs through the root handler set up above (text or JSON)
        proxy_headers=False,  # X-Forwarded-For counts only from CHAT_TRUSTED_PROXIES (chat/addresses.py)
    )
    app.state.graceful.exit_after_stop()


if __name__ in {'__main__', '__mp_main__'}:
    main()
