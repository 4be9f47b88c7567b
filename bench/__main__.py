"""`python -m bench`: runs the benchmark scenarios against the real server, prints a table, writes JSON.

    python -m bench                       # everything at full size (about 20-30 minutes on 2 cores)
    python -m bench --quick               # smaller sizes, a couple of minutes
    python -m bench --scenarios fanout --sizes 10,200 --rates 5,20
    python -m bench --scenarios conversation --conversation-sizes 200  # posts, edits, reactions, deletes
    python -m bench --scenarios sidebar --sidebar-tabs 200 --sidebar-joined 50 --sidebar-rooms 100  # room lists
    python -m bench --scenarios browsers  # real Chromium tabs (not in the default run): 16 tabs, 5 msg/s
    python -m bench --scenarios browsers --browser-tabs 8,32 --browser-rates 5,20 --browser-senders 2
    python -m bench --scenarios search    # full-text search over 1M messages, SQLite and PostgreSQL (in-process)
    python -m bench --scenarios search --search-messages 100000 --search-databases sqlite

The load generator runs in this process; the server (and the transport-floor server) in a subprocess each. On a
2-core machine they share the cores, which is reported with the results.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import scenarios
from bench.report import table

ALL = ['fanout', 'conversation', 'sidebar', 'saturation', 'opening', 'memory', 'persistence', 'flood']
# Only when named: real Chromium tabs (Playwright and Debian's chromium needed; 16 tabs take some 2.7 GB and most of
# a 2-core machine's CPU)
EXTRA = ['browsers', 'search']  # search: fills 1M messages per database, some minutes each
RESULTS = Path(__file__).resolve().parent / 'results'


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m bench', description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true', help='small sizes: a smoke-sized run of every scenario')
    parser.add_argument(
        '--scenarios',
        default=','.join(ALL),
        help=f'comma-separated, from {",".join(ALL + EXTRA)} (default: all but {",".join(EXTRA)})',
    )
    parser.add_argument('--sizes', help='fan-out client counts (default 10,50,200,500; quick 10,50)')
    parser.add_argument('--rates', default='5,20', help='fan-out messages per second (default 5,20)')
    parser.add_argument('--messages', type=int, help='messages per fan-out run (default 100; quick 40)')
    parser.add_argument('--conversation-sizes', help='tabs in the conversation room (default 200; quick 50)')
    parser.add_argument('--conversation-rate', type=float, default=5.0, help='actions per second (default 5)')
    parser.add_argument(
        '--conversation-actions',
        type=int,
        help='actions per run, a fifth of them edits, reactions and deletes (default 600: ~40 of each; quick 50)',
    )
    parser.add_argument('--sidebar-tabs', type=int, help='reader tabs, one user each (default 200; quick 20)')
    parser.add_argument('--sidebar-rooms', type=int, help='rooms messages go to (default 100; quick 10)')
    parser.add_argument('--sidebar-joined', type=int, help='of those, rooms each reader joined (default 50; quick 5)')
    parser.add_argument('--sidebar-rate', type=float, help='messages per second, all rooms (default 20; quick 5)')
    parser.add_argument('--sidebar-messages', type=int, help='messages per run (default 400; quick 50)')
    parser.add_argument(
        '--sidebar-open-rooms', type=int, help='rooms joined by the user who opens a page (default 200; quick 20)'
    )
    parser.add_argument(
        '--sidebar-open-messages', type=int, help='messages in those rooms (default 1000000; quick 20000)'
    )
    parser.add_argument('--sidebar-opens', type=int, default=20, help='page openings measured (default 20)')
    parser.add_argument('--saturation-sizes', help='client counts for saturation (default 10,50,200; quick 10,50)')
    parser.add_argument('--saturation-seconds', type=float, help='length of each saturation run (default 10)')
    parser.add_argument(
        '--history',
        help='history sizes to bulk-insert: 0,10k,100k,1m counts (default '
        '0,10000,100000,1000000; quick 0,1000,10000,100000)',
    )
    parser.add_argument('--memory-clients', type=int, help='clients for the memory scenario (default 100; quick 50)')
    parser.add_argument('--memory-messages', type=int, help='messages posted while measuring (default 2000)')
    parser.add_argument('--cycles', type=int, help='connect/disconnect cycles (default 500; quick 100)')
    parser.add_argument('--flood', type=int, help='page requests that never connect (default 5000; quick 500)')
    parser.add_argument('--browser-tabs', help='Chromium tab counts for browsers (default 16; quick 4)')
    parser.add_argument('--browser-rates', default='5', help='total messages per second for browsers (default 5)')
    parser.add_argument('--browser-senders', type=int, default=4, help='tabs that send, round robin (default 4)')
    parser.add_argument('--browser-messages', type=int, help='messages per browsers run (default 100; quick 30)')
    parser.add_argument(
        '--browser-history',
        type=int,
        default=50,
        help='messages in the room before the tabs open (default 50: a full feed window)',
    )
    parser.add_argument('--search-messages', type=int, help='messages to search (default 1000000; quick 20000)')
    parser.add_argument(
        '--search-databases', default='sqlite,postgresql', help='sqlite and/or postgresql (default both)'
    )
    parser.add_argument(
        '--search-postgres',
        default='postgresql+psycopg://postgres@127.0.0.1:5432/postgres',
        help='a PostgreSQL server to create the search database on (and drop it afterwards)',
    )
    parser.add_argument('--search-repeats', type=int, default=20, help='runs of each search query (default 20)')
    parser.add_argument('--work', help='working folder (default: a temporary folder, removed afterwards)')
    parser.add_argument('--out', help='JSON file (default bench/results/<timestamp>.json)')
    return parser.parse_args(argv)


def ints(text: str) -> list[int]:
    return [int(x) for x in text.split(',') if x]


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    quick = args.quick
    chosen = [s for s in args.scenarios.split(',') if s]
    unknown = set(chosen) - set(ALL + EXTRA)
    if unknown:
        raise SystemExit(f'unknown scenarios: {", ".join(sorted(unknown))}')
    sizes = ints(args.sizes or ('10,50' if quick else '10,50,200,500'))
    rates = [float(x) for x in args.rates.split(',')]
    count = args.messages or (40 if quick else 100)
    conv_sizes = ints(args.conversation_sizes or ('50' if quick else '200'))
    conv_actions = args.conversation_actions or (50 if quick else 600)
    side_tabs = args.sidebar_tabs or (20 if quick else 200)
    side_rooms = args.sidebar_rooms or (10 if quick else 100)
    sat_sizes = ints(args.saturation_sizes or ('10,50' if quick else '10,50,200'))
    sat_seconds = args.saturation_seconds or (5.0 if quick else 10.0)
    history = ints(args.history or ('0,1000,10000,100000' if quick else '0,10000,100000,1000000'))
    mem_clients = args.memory_clients or (50 if quick else 100)
    mem_messages = args.memory_messages or (300 if quick else 2000)
    cycles = args.cycles or (100 if quick else 500)
    tabs = ints(args.browser_tabs or ('4' if quick else '16'))

    needed = 12
    if 'fanout' in chosen:
        needed = max(needed, *sizes)
    if 'conversation' in chosen:
        needed = max(needed, *conv_sizes)
    if 'sidebar' in chosen:
        needed = max(needed, side_tabs + side_rooms)  # readers, and a sender per room
    if 'saturation' in chosen:
        needed = max(needed, *sat_sizes)
    if 'memory' in chosen:
        needed = max(needed, mem_clients + 2)
    if 'browsers' in chosen:
        needed = max(needed, *tabs)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix='chat-bench-'))
    started = time.time()
    report: dict = {
        'started': datetime.now(UTC).isoformat(timespec='seconds'),
        'machine': scenarios.machine(),
        'quick': quick,
        'settings': {'rate_limit_env': scenarios.srv.BENCH_ENV},
        'rows': [],
    }
    try:
        print(f'preparing {needed} users in {work} ...', flush=True)
        hist = dict(zip(['h0', 'h10k', 'h100k', 'h1m'], history, strict=False)) if 'opening' in chosen else {}
        # the search scenario runs in this process on a database of its own: no users or server needed
        fixture = scenarios.prepare_fixture(work, needed, hist) if set(chosen) - {'search'} else None
        report['history_sizes'] = history
        for name in chosen:
            print(f'{name} ...', flush=True)
            if name == 'fanout':
                report['rows'] += scenarios.fanout(fixture, sizes, rates, count)
            elif name == 'conversation':
                from bench import conversation

                report['rows'] += conversation.conversation(fixture, conv_sizes, args.conversation_rate, conv_actions)
            elif name == 'sidebar':
                from bench import sidebar

                report['rows'] += sidebar.sidebar(
                    fixture,
                    side_tabs,
                    side_rooms,
                    args.sidebar_joined or (5 if quick else 50),
                    args.sidebar_rate or (5.0 if quick else 20.0),
                    args.sidebar_messages or (50 if quick else 400),
                    args.sidebar_open_rooms or (20 if quick else 200),
                    args.sidebar_open_messages or (20_000 if quick else 1_000_000),
                    args.sidebar_opens,
                )
            elif name == 'saturation':
                report['rows'] += scenarios.saturation(fixture, sat_sizes, sat_seconds)
            elif name == 'opening':
                report['rows'] += scenarios.opening(fixture, 5, 50 if quick else 100, history)
            elif name == 'memory':
                report['rows'] += scenarios.memory(fixture, mem_clients, mem_messages, cycles)
            elif name == 'persistence':
                report['rows'] += scenarios.persistence(work, 1000 if quick else 5000, 10)
            elif name == 'flood':
                report['rows'] += scenarios.flood(fixture, args.flood or (500 if quick else 5000))
            elif name == 'search':
                from bench import search

                report['rows'] += search.search(
                    work,
                    [d for d in args.search_databases.split(',') if d],
                    args.search_messages or (20_000 if quick else 1_000_000),
                    repeats=args.search_repeats,
                    pg_base=args.search_postgres,
                )
            elif name == 'browsers':
                from bench import browsers  # Playwright: a dev requirement, imported only when asked for

                report['rows'] += browsers.browsers(
                    fixture,
                    tabs,
                    [float(x) for x in args.browser_rates.split(',')],
                    args.browser_messages or (30 if quick else 100),
                    args.browser_senders,
                    args.browser_history,
                )
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    report['seconds'] = round(time.time() - started, 1)
    out = Path(args.out) if args.out else RESULTS / f'{datetime.now(UTC):%Y%m%d-%H%M%S}{"-quick" if quick else ""}.json'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print()
    print(table(report))
    print(f'\nJSON: {out}')
    return report


if __name__ == '__main__':
    # This process holds every tab's copy of its page (hundreds of thousands of objects): its own cyclic garbage
    # collector paused it for 20-70 ms at a time, and the frames waiting in its sockets meanwhile counted as the
    # server's latency. It runs between the measured phases instead (`Crowd.settle`).
    gc.disable()
    main()
