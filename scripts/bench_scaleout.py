"""Fan-out across instances: one sender, N tabs in one room, the tabs on one instance or split over two.

    .venv/bin/python scripts/bench_scaleout.py --sizes 100,200 --rates 5,20 --messages 60

Both set-ups use the same PostgreSQL and Redis (a fresh database and key prefix per run, removed afterwards), so the
only difference is how many processes share the work. It reuses bench/'s browser-like tabs (raw socket.io) and its
latency recorder: a message's latency is from the sender pressing Enter to the first frame carrying its text at each
tab. The load generator, both servers, PostgreSQL and Redis all share this machine's cores; the result says how many.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import Tab, new_http, sign_in  # noqa: E402
from bench.crowd import Recorder, summary_ms  # noqa: E402
from tests.integration.cluster import Cluster, Instance  # noqa: E402

PASSWORD = 'bench-scaleout-1'
BENCH_ENV = {
    'CHAT_MESSAGE_RATE': '1000000',
    'CHAT_MESSAGE_RATE_WINDOW': '1',
    'CHAT_LOGIN_MAX_FAILURES': '1000000',
    'CHAT_REGISTER_RATE': '1000000',
}


def prepare(cluster: Cluster, n_users: int) -> int:
    """Users through the real service (one argon2 hash, reused) and one room; returns the room id."""
    from chat import accounts as accounts_module
    from chat.passwords import hash_password
    from chat.services import build
    from chat.settings import Settings

    async def work() -> int:
        one_hash = await hash_password(PASSWORD)

        async def cached(_password: str) -> str:
            return one_hash

        original = accounts_module.hash_password
        accounts_module.hash_password = cached  # type: ignore[assignment]
        services = build(
            Settings(data_dir=cluster.workdir / 'admin', database_url=cluster.database_url, redis_url=None)
        )
        services.migrate()
        try:
            users = [await services.accounts.register(f'fan{i:04d}', PASSWORD) for i in range(n_users)]
            return (await services.rooms.create(users[0], 'fanout')).id
        finally:
            accounts_module.hash_password = original  # type: ignore[assignment]
            services.db.close()

    return asyncio.run(work())


async def sign_in_all(url: str, n: int) -> list[str]:
    gate = asyncio.Semaphore(4)
    async with new_http() as http:

        async def one(i: int) -> str:
            async with gate:
                return await sign_in(http, url, f'fan{i:04d}', PASSWORD)

        return list(await asyncio.gather(*(one(i) for i in range(n))))


async def run(instances: list[Instance], cookies: list[str], room_id: int, rates: list[float], count: int) -> dict:
    """Tab i opens on instance i % len(instances); tab 0 (instance 1) sends."""
    results: dict = {}
    async with new_http() as http:
        recorder_box: list[Recorder | None] = [None]
        last = [time.perf_counter()]

        def hook(index: int) -> Callable[[str, float], None]:
            def on_frame(data: str, arrived: float) -> None:
                last[0] = arrived
                if recorder_box[0] is not None:
                    recorder_box[0].frame(index, data, arrived)

            return on_frame

        tabs = [
            Tab(http, instances[i % len(instances)].url, cookie, on_frame=hook(i)) for i, cookie in enumerate(cookies)
        ]
        gate = asyncio.Semaphore(4)

        async def open_tab(tab: Tab) -> None:
            async with gate:
                for attempt in range(8):
                    try:
                        await tab.get(f'/room/{room_id}')
                        await tab.connect()
                        return
                    except Exception:
                        if attempt == 7:
                            raise
                        await tab.close()
                        tab.connected.clear()
                        await asyncio.sleep(1 + attempt)

        started = time.perf_counter()
        await asyncio.gather(*(open_tab(tab) for tab in tabs))
        results['open_s'] = round(time.perf_counter() - started, 1)
        await settle(last)
        for rate in rates:
            recorder = Recorder(len(tabs))
            recorder_box[0] = recorder
            start = time.perf_counter() + 0.05
            for seq in range(count):
                delay = start + seq / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                recorder.sent[seq] = time.perf_counter()
                tabs[0].type_into('message-input', recorder.text(seq))
                tabs[0].press_enter('message-input')
            deadline = time.perf_counter() + 20
            while recorder.delivered() < count * len(tabs) and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            recorder_box[0] = None
            per_instance = {}
            for k, instance in enumerate(instances):
                own = [i for i in range(len(tabs)) if i % len(instances) == k]
                per_instance[instance.name] = {**summary_ms(recorder.latencies(own)), 'lost': recorder.lost(own)}
            results[str(rate)] = {
                **summary_ms(recorder.latencies()),
                'lost': recorder.lost(),
                'per_instance': per_instance,
            }
            await settle(last, quiet=0.5)
        await asyncio.gather(*(tab.close() for tab in tabs))
    return results


async def settle(last: list[float], quiet: float = 1.0, timeout: float = 120.0) -> None:
    started = time.perf_counter()
    last[0] = time.perf_counter()
    while time.perf_counter() - last[0] < quiet and time.perf_counter() - started < timeout:
        await asyncio.sleep(0.1)


def interrupted(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM too runs the clean-up (instances, database, Redis keys)


def main() -> None:
    signal.signal(signal.SIGTERM, interrupted)
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='100,200')
    parser.add_argument('--rates', default='5,20')
    parser.add_argument('--messages', type=int, default=60)
    parser.add_argument('--out', help='JSON file for the results')
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(',')]
    rates = [float(x) for x in args.rates.split(',')]
    rows = []
    with tempfile.TemporaryDirectory(prefix='chat-scaleout-') as work:
        cluster = Cluster(Path(work), extra_env=BENCH_ENV)
        try:
            cluster.create_database()
            print(f'preparing {max(sizes)} users ...', flush=True)
            room_id = prepare(cluster, max(sizes))
            first, second = cluster.start(2)
            cookies = asyncio.run(sign_in_all(first.url, max(sizes)))
            for n in sizes:
                for label, instances in (('1 instance', [first]), ('2 instances', [first, second])):
                    result = asyncio.run(run(instances, cookies[:n], room_id, rates, args.messages))
                    for rate in rates:
                        r = result[str(rate)]
                        rows.append(
                            {
                                'setup': label,
                                'clients': n,
                                'rate': rate,
                                'messages': args.messages,
                                'open_s': result['open_s'],
                                **r,
                            }
                        )
                        print(
                            f'{label:12} N={n:4} {rate:4}/s  p50 {r["p50"]:7.1f}  p95 {r["p95"]:7.1f}  '
                            f'p99 {r["p99"]:7.1f}  max {r["max"]:7.1f} ms  lost {r["lost"]}',
                            flush=True,
                        )
        finally:
            cluster.close()
    report = {'cores': os.cpu_count(), 'load_avg': os.getloadavg()[0], 'rows': rows}
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    print(json.dumps({'cores': report['cores']}))


if __name__ == '__main__':
    main()
