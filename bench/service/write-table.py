#!/usr/bin/env python3
"""Writes bench/run-service.sh's figures into docs/benchmarks.md between the service markers, as a table
with the ratios to the baselines of the same run. Usage: write-table.py RESULTS BENCHMARKS-MD COMMAND QUICK"""
import datetime, os, platform, re, subprocess, sys

results_file, doc, command, quick = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
r = {}
for line in open(results_file):
    parts = line.split()
    if not parts or parts[0].startswith("warmup"):
        continue
    r[parts[0]] = {k: v for k, v in (p.split("=", 1) for p in parts[1:] if "=" in p)}

def f(name, key, fmt="{:,.0f}"):
    try:
        return fmt.format(float(r[name][key]))
    except (KeyError, ValueError):
        return "–"

def num(name, key):
    try:
        return float(r[name][key])
    except (KeyError, ValueError):
        return float("nan")

def ratio(a, b):
    return "–" if b != b or a != a or b == 0 else f"{a / b:.2f}×"

def verdict(ok):
    return "–" if ok is None else ("met" if ok else "**not met**")

def ok(v):
    return None if v != v else v

rows = []
for c in (1, 8, 64):
    h, p, b = num(f"herald-publish-c{c}", "requests_per_s"), num(f"pgbench-one-row-c{c}", "tx_per_s"), num(f"bare-endpoint-c{c}", "requests_per_s")
    hc, bc = num(f"herald-publish-c{c}", "cpu_ms_per_request"), num(f"bare-endpoint-c{c}", "cpu_ms_per_request")
    target = ""
    if c == 8:
        floor = min(p, b)
        target = (f"≥ 0.5× min(pgbench, bare) → {ratio(h, floor)}: {verdict(ok(h / floor >= 0.5) if floor == floor else None)}; "
                  f"CPU ≤ 2× bare → {ratio(hc, bc)}: {verdict(ok(hc / bc <= 2) if bc == bc else None)}")
    if c == 64:
        h8 = num("herald-publish-c8", "requests_per_s")
        target = f"64 clients no slower than 8 → {ratio(h, h8)}: {verdict(ok(h >= h8 * 0.95) if h8 == h8 else None)} (5 % noise allowed)"
    rows.append(f"| single publish, {c} client{'s' if c > 1 else ''} | {f(f'herald-publish-c{c}', 'requests_per_s')}/s, "
                f"p50 {f(f'herald-publish-c{c}', 'p50_ms', '{:.1f}')} ms, p99 {f(f'herald-publish-c{c}', 'p99_ms', '{:.1f}')} ms | "
                f"{f(f'herald-publish-c{c}', 'cpu_ms_per_request', '{:.3f}')} | {f(f'herald-publish-c{c}', 'heap_mb')} | "
                f"pgbench one-row {f(f'pgbench-one-row-c{c}', 'tx_per_s')} tx/s; bare endpoint {f(f'bare-endpoint-c{c}', 'requests_per_s')}/s "
                f"at {f(f'bare-endpoint-c{c}', 'cpu_ms_per_request', '{:.3f}')} ms CPU, heap {f(f'bare-endpoint-c{c}', 'heap_mb')} MB | "
                f"{ratio(h, p)} pgbench, {ratio(h, b)} bare; CPU {ratio(hc, bc)} bare | {target} |")
hb, pb = num("herald-batch100-c8", "events_per_s"), num("pgbench-hundred-rows-c8", "rows_per_s")
rows.append(f"| batches of 100, 8 clients | {f('herald-batch100-c8', 'events_per_s')} events/s, p99 {f('herald-batch100-c8', 'p99_ms', '{:.0f}')} ms | "
            f"{f('herald-batch100-c8', 'cpu_ms_per_event', '{:.4f}')} per event | {f('herald-batch100-c8', 'heap_mb')} | "
            f"pgbench 100-row tx {f('pgbench-hundred-rows-c8', 'rows_per_s')} rows/s (a party and a person a row, as the load's events; "
            f"one party a transaction and one person for all, as until 2026-12-07: {f('pgbench-hundred-rows-shared-c8', 'rows_per_s')} rows/s, "
            f"{ratio(hb, num('pgbench-hundred-rows-shared-c8', 'rows_per_s'))}) | {ratio(hb, pb)} | ≥ 0.5×: {verdict(ok(hb / pb >= 0.5))} |")
pp = num("herald-pull-c8", "p99_ms")
rows.append(f"| pull, 50-event pages, 8 readers | {f('herald-pull-c8', 'requests_per_s')} pages/s, p50 {f('herald-pull-c8', 'p50_ms', '{:.1f}')} ms, "
            f"p99 {f('herald-pull-c8', 'p99_ms', '{:.1f}')} ms | {f('herald-pull-c8', 'cpu_ms_per_request', '{:.3f}')} per page | "
            f"{f('herald-pull-c8', 'heap_mb')} | – | – | p99 < 50 ms: {verdict(ok(pp < 50))} |")
if "herald-publish-c8-on-log" in r:
    rows.append(f"| single publish, 8 clients, on the pull scenario's log ({f('pull-log', 'events')} events) | "
                f"{f('herald-publish-c8-on-log', 'requests_per_s')}/s, p50 {f('herald-publish-c8-on-log', 'p50_ms', '{:.1f}')} ms, "
                f"p99 {f('herald-publish-c8-on-log', 'p99_ms', '{:.1f}')} ms | {f('herald-publish-c8-on-log', 'cpu_ms_per_request', '{:.3f}')} | "
                f"{f('herald-publish-c8-on-log', 'heap_mb')} | – (pgbench's table is fresh) | – | for information |")
for n, subs in (("herald-burst-8", 8), ("herald-burst-1000", 1000)):
    d, b, p99 = num(n, "deliveries_per_s"), num(n, "bare_client_per_s"), num(n, "p99_ms")
    target = f"≥ 0.5× bare client → {ratio(d, b)}: {verdict(ok(d / b >= 0.5))}"
    if subs == 8:
        target += f"; p99 < 5 s: {verdict(ok(p99 < 5000))}"
    rows.append(f"| burst: {f(n, 'events')} events to {subs:,} subscriptions ({f(n, 'received')} deliveries received of {f(n, 'expected')}) | "
                f"{f(n, 'deliveries_per_s')} deliveries/s; publish-to-receipt p50 {f(n, 'p50_ms')} ms, p99 {f(n, 'p99_ms')} ms | "
                f"{f(n, 'cpu_ms_per_event', '{:.3f}')} per event, {f(n, 'cpu_ms_per_delivery', '{:.3f}')} per delivery | {f(n, 'heap_mb')} | "
                f"bare JDK HttpClient (2 threads, 64 in flight) {f(n, 'bare_client_per_s')} POSTs/s to the same receivers | {ratio(d, b)} | {target} |")
s = "herald-steady-1000"
rows.append(f"| steady {f(s, 'rate')} events/s for {f(s, 'seconds')} s, 1 subscription, at most 64 publishes open ({f(s, 'received')} received of {f(s, 'sent')}, {f(s, 'failed')} failed; {f(s, 'achieved_per_s')} events/s achieved) | "
            f"publish-to-receipt p50 {f(s, 'p50_ms', '{:.1f}')} ms, p99 {f(s, 'p99_ms', '{:.1f}')} ms; publish (from its planned time) p50 {f(s, 'publish_p50_ms', '{:.1f}')} ms, p99 {f(s, 'publish_p99_ms', '{:.1f}')} ms | {f(s, 'cpu_ms_per_event', '{:.3f}')} per event | "
            f"{f(s, 'heap_mb')} | – | – | p50 < 50 ms: {verdict(ok(num(s, 'p50_ms') < 50))}; p99 < 250 ms: {verdict(ok(num(s, 'p99_ms') < 250))} |")
heaps = [num(k, "heap_mb") for k in r if k.startswith("herald-")]
heaps = [h for h in heaps if h == h]
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
table = [
    "<!-- service:begin (written by bench/run-service.sh; edits here are overwritten) -->",
    f"Command: `{command}` — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC{' (**quick check: short windows, not figures to quote**)' if quick else ''}.",
    f"Machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
    "so absolute figures differ from machine to machine and run to run; the ratios to the baselines of the same run are what counts. "
    f"PostgreSQL (Herald's and the pgbench baselines'): shared_buffers {r.get('postgres', {}).get('shared_buffers', '–')}, "
    f"huge_pages {r.get('postgres', {}).get('huge_pages', '–')}.",
    "",
    "| scenario | Herald | Herald CPU ms | Herald heap max MB | baselines, same run | ratio | target |",
    "|---|---|---|---|---|---|---|",
    *rows,
    "",
    f"Heap: the most Herald used (survivor + eden + old, `jstat -gc` once a second) over all scenarios: "
    f"{max(heaps):.0f} MB" + (" — under 512 MB: met." if heaps and max(heaps) < 512 else " — 512 MB: **not met**.") if heaps else "Heap: –",
    "<!-- service:end -->",
]
text = open(doc).read()
block = "\n".join(table)
if "<!-- service:begin" in text:
    text = re.sub(r"<!-- service:begin.*?<!-- service:end -->", lambda m: block, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + block + "\n"
open(doc, "w").write(text)
print(block)
