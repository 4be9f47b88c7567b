"""The printed table (Markdown, so it pastes straight into docs/PERFORMANCE.md)."""

from __future__ import annotations


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f'{value:g}'
    return str(value)


def table(report: dict) -> str:
    rows = report['rows']
    lines: list[str] = []
    m = report['machine']
    lines.append(
        f'Machine: {m["cpu"]}, {m["cores"]} cores, {m["ram_gb"]} GB RAM, Python {m["python"]}; '
        f'load generator and server share the cores.'
    )
    fan = [r for r in rows if r['scenario'] == 'fanout']
    if fan:
        lines += [
            '',
            '| fan-out | msg/s | p50 ms | p95 ms | p99 ms | max ms | lost | floor p50 | floor p99 '
            '| ×floor p50 | ×floor p99 | server CPU µs/delivery (floor) | frame B | load avg |',
            '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
        ]
        for r in fan:
            lines.append(
                f'| {r["clients"]} clients | {_fmt(r["rate"])} | {r["p50"]} | {r["p95"]} | {r["p99"]} | '
                f'{r["max"]} | {r["lost"]} | {r["floor"]["p50"]} | {r["floor"]["p99"]} | {r["ratio_p50"]} | '
                f'{r["ratio_p99"]} | {r["server_cpu_us_per_delivery"]} '
                f'({r["floor"]["server_cpu_us_per_delivery"]}) | {r["frame_bytes"]} | {r["load_avg"]} |'
            )
    conv = [r for r in rows if r['scenario'] == 'conversation']
    if conv:
        lines += [
            '',
            '| conversation | actions/s | action | count | p50 ms | p95 ms | p99 ms | max ms | lost | failed '
            '| server CPU µs/delivery | load avg |',
            '|---|---|---|---|---|---|---|---|---|---|---|---|',
        ]
        for r in conv:
            for kind, k in r['kinds'].items():
                lines.append(
                    f'| {r["clients"]} clients | {_fmt(r["rate"])} | {kind} | {k["actions"]} | {k["p50"]} | {k["p95"]} '
                    f'| {k["p99"]} | {k["max"]} | {k["lost"]} | {k["failed"]} | {r["server_cpu_us_per_delivery"]} '
                    f'| {r["load_avg"]} |'
                )
    side = [r for r in rows if r['scenario'] == 'sidebar']
    if side:
        lines += [
            '',
            '| sidebar: post to unread badge | rooms joined / posted to | msg/s | messages | badge updates '
            '| p50 ms | p95 ms | p99 ms | max ms | missed | server CPU µs/update (ms/msg) | load avg |',
            '|---|---|---|---|---|---|---|---|---|---|---|---|',
        ]
        for r in side:
            lines.append(
                f'| {r["tabs"]} tabs | {r["joined"]} / {r["rooms"]} | {_fmt(r["rate"])} | {r["messages"]} '
                f'| {r["deliveries"]}/{r["expected"]} | {r["p50"]} | {r["p95"]} | {r["p99"]} | {r["max"]} '
                f'| {r["missed"]} | {r["server_cpu_us_per_delivery"]} ({r["server_cpu_ms_per_msg"]}) '
                f'| {r["load_avg"]} |'
            )
    side_open = [r for r in rows if r['scenario'] == 'sidebar-open']
    if side_open:
        lines += [
            '',
            '| sidebar: open a room page | messages in them / in the database | GET median ms | GET p95 ms '
            '| with socket median ms | summary() median ms | summary() p95 ms | opens |',
            '|---|---|---|---|---|---|---|---|',
        ]
        for r in side_open:
            lines.append(
                f'| {r["rooms"]} rooms joined | {r["messages"]:,} / {r["messages_in_db"]:,} | {r["get_median_ms"]} '
                f'| {r["get_p95_ms"]} '
                f'| {r["connected_median_ms"]} | {r["summary_median_ms"]} | {r["summary_p95_ms"]} | {r["opens"]} |'
            )
    found = [r for r in rows if r['scenario'] == 'search']
    if found:
        lines += [
            '',
            '| search: first page (20) | messages | query | runs | p50 ms | p95 ms | p99 ms | max ms '
            '| loop lateness max ms (idle) | load avg |',
            '|---|---|---|---|---|---|---|---|---|---|',
        ]
        for r in found:
            for kind, k in r['kinds'].items():
                lines.append(
                    f'| {r["database"]} | {r["messages"]:,} | {kind} | {k["runs"]} | {k["p50"]} | {k["p95"]} '
                    f'| {k["p99"]} | {k["max"]} | {r["loop_lateness_max_ms"]} ({r["idle_lateness_max_ms"]}) '
                    f'| {r["load_avg"]} |'
                )
    sat = [r for r in rows if r['scenario'] == 'saturation']
    if sat:
        lines += [
            '',
            '| saturation | senders | accepted msg/s | delivered msg/s | p50 ms | p99 ms | lost | stored once |',
            '|---|---|---|---|---|---|---|---|',
        ]
        for r in sat:
            lines.append(
                f'| {r["clients"]} clients | {r["senders"]} | {r["accepted_per_s"]} | {r["delivered_per_s"]} '
                f'| {r["p50"]} | {r["p99"]} | {r["lost"]} | {r["stored_once"]}/{r["accepted"]} |'
            )
    seen = [r for r in rows if r['scenario'] == 'browsers']
    if seen:
        lines += [
            '',
            "| Chromium tabs: Enter to text in each reader's DOM | history | senders | sent msg/s | p50 ms "
            "| p95 ms | p99 ms | max ms | lost msgs | readers' deliveries | own echo p50 ms "
            '| frame in p50 / p99 | page work p50 / p99 | Chromium CPU ms per page update '
            '| cores: server / Chromium / harness / others | load avg |',
            '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
        ]
        for r in seen:
            lines.append(
                f'| {r["row"]} | {r["history"]} | {r["senders"]} | {r["sent_per_s"]} '
                f'| {r["p50"]} | {r["p95"]} | {r["p99"]} | {r["max"]} | {r["lost"]}/{r["messages"]} '
                f'| {r["deliveries"]} | {r["own_p50"]} | {r["frame_in"]["p50"]} / {r["frame_in"]["p99"]} '
                f'| {r["page_work"]["p50"]} / {r["page_work"]["p99"]} | {r["chromium_ms_per_update"]} | '
                f'{" / ".join(str(v) for v in r["cores"].values())} | {r["load_avg"]} |'
            )
    for r in (r for r in rows if r['scenario'] == 'opening'):
        lines += [
            '',
            '| room opening | ' + ' | '.join(f'{int(k):,} msgs' for k in r['open_ms']) + ' |',
            '|---|' + '---|' * len(r['open_ms']),
            '| median ms (of 5) | ' + ' | '.join(str(v) for v in r['open_ms'].values()) + ' |',
            '',
            f'10-client conversation at 5 msg/s: p99 {r["talk_p99_ms"]} ms alone, '
            f'{r["talk_p99_while_opening_ms"]} ms while the largest room was opened '
            f'{r["opens_during_talk"]} times; lost {r["talk_lost"]}.',
        ]
    for r in (r for r in rows if r['scenario'] == 'memory'):
        lines += [
            '',
            '| memory | clients | base RSS MB | RSS with clients MB | KB/client | KB/client read at once | '
            f'KB/client after {r["more_messages"]} msgs | growth after {r["cycles"]} visits MB: first / returning |',
            '|---|---|---|---|---|---|---|---|',
            f'| room page | {r["clients"]} | {r["rss_base_mb"]} | {r["rss_clients_mb"]} | {r["kb_per_client"]} '
            f'| {r.get("kb_per_client_at_once", "-")} | {r["kb_per_client_after_more"]} | {r["cycle_growth_mb"]} / '
            f'{r.get("returning_cycle_growth_mb", "-")} |',
        ]
    for r in (r for r in rows if r['scenario'] == 'flood'):
        lines += [
            '',
            f'Flood: {r["requests"]:,} cookie-less page requests that never connect, {r["concurrency"]} at a '
            f'time, {r["requests_per_s"]}/s: server RSS peak +{r["peak_growth_mb"]} MB, '
            f'+{r["growth_after_mb"]} MB {r["after_s"]:.0f} s after the last.',
        ]
    for r in (r for r in rows if r['scenario'] == 'persistence'):
        lines += [
            '',
            f'Persistence: {r["stored_per_s"]} messages/s through Messages.post with {r["writers"]} '
            f'concurrent writers; {r["stored_once"]}/{r["accepted"]} accepted messages stored exactly once '
            f'(missing {r["missing"]}, duplicated {r["duplicated"]}).',
        ]
    return '\n'.join(lines)
