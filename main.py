"""Entry point: `python main.py` serves the messenger; `create-admin` and `set-password` manage accounts."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

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


def create_app(settings: Settings) -> None:
    from nicegui import app

    import pages
    from chat import services as service_factory
    from pages import security

    if settings.fastpath:  # the speed layer: patches NiceGUI and its transport (pages/fastpath, docs/PERFORMANCE.md)
        from pages import fastpath

        fastpath.enable(settings, server=not SIMULATION)
    services = service_factory.build(settings)
    services.migrate()
    app.state.services = services  # for tests and admin tooling; pages get it through pages.register
    app.on_startup(services.start)
    app.on_shutdown(services.stop)
    security.install(settings)
    pages.register(services)


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
        run_admin_command(args, settings)
        return
    from nicegui import ui

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
        log_config=None,  # uvicorn logs through the root handler set up above (text or JSON)
        proxy_headers=False,  # X-Forwarded-For counts only from CHAT_TRUSTED_PROXIES (chat/addresses.py)
    )


if __name__ in {'__main__', '__mp_main__'}:
    main()
