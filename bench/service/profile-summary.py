#!/usr/bin/env python3
"""Summarises async-profiler's collapsed stacks of one scenario (root first, ';'-joined, one stack and its count a
line; the first frame the thread) in Markdown: where the samples fall, by thread, by area, by method (self and
inclusive), thread numbers dropped so that a pool's threads add up. The stacks themselves stay beside the input
(6-12 MB a scenario: too large to keep in the repository; the flame graph beside the summary shows them).
Usage: profile-summary.py FILE.collapsed OUT-PREFIX"""
import collections, re, sys

collapsed_file, prefix = sys.argv[1], sys.argv[2]
stacks = collections.Counter()
for line in open(collapsed_file):
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not stack or not count.isdigit():
        continue
    frames = stack.split(";")
    # "[http-nio-127.0.0.1-18080-exec-3 tid=1234]" -> "[http-nio-127.0.0.1-N-exec-N]"; Java frames in dotted form
    frames[0] = re.sub(r"-\d+(?=-|\]|$)", "-N", re.sub(r" tid=\d+", "", frames[0])) if frames[0].startswith("[") else frames[0]
    frames = [frames[0]] + [f.replace("/", ".") if not f.startswith("[") else f for f in frames[1:]]
    stacks[";".join(frames)] += int(count)

total = sum(stacks.values())

self_time = collections.Counter()
inclusive = collections.Counter()
areas = collections.Counter()
AREAS = [("JWT / RSA verification", ("nimbus", "sun.security.rsa", "java.math.BigInteger", "JwtDecoder", "JwtValidator")),
         ("JSON (Jackson)", ("tools.jackson", "com.fasterxml.jackson")),
         ("JDBC / PostgreSQL driver", ("org.postgresql", "com.zaxxer.hikari")),
         ("Micrometer / observations", ("io.micrometer",)),
         ("Spring Security filters", ("org.springframework.security",)),
         ("regular expressions", ("java.util.regex",)),
         ("Tomcat / HTTP", ("org.apache.coyote", "org.apache.tomcat", "org.apache.catalina")),
         ("outbound HTTP (dispatcher)", ("org.apache.hc", "java.net.http", "jdk.internal.net.http")),
         ("Herald", ("io.herald",)),
         ("kernel (system calls, scheduling)", ("_[k]",))]
for stack, count in stacks.items():
    frames = stack.split(";")
    self_time[frames[-1]] += count
    for f in set(frames):
        inclusive[f] += count
    for name, needles in AREAS:
        if any(n in f for f in frames for n in needles):
            areas[name] += count

with open(prefix + ".md", "w") as out:
    out.write(f"# Profile: {prefix.rsplit('/', 1)[-1]}\n\n")
    name = prefix.rsplit('/', 1)[-1]
    out.write(f"CPU samples of every thread of Herald's JVM during a window of the scenario of its own (async-profiler, "
              f"`event=cpu`, 1 ms), {total} samples. Flame graph: [`{name}.html`]({name}.html) (first frame the thread); the "
              f"collapsed stacks stay in `bench/target/service/{name}.collapsed` after a run (input for `flamegraph.pl` or "
              f"speedscope.app).\n\n")
    threads = collections.Counter()
    for stack, count in stacks.items():
        threads[stack.split(";")[0]] += count
    out.write("## Share of samples by thread\n\n| thread | share |\n|---|---|\n")
    for thread, count in threads.most_common(10):
        out.write(f"| `{thread}` | {100.0 * count / total:.1f} % |\n")
    out.write("\n")
    out.write("## Share of samples with a frame of … on the stack (areas overlap)\n\n| area | share |\n|---|---|\n")
    for name, count in areas.most_common():
        out.write(f"| {name} | {100.0 * count / total:.1f} % |\n")
    out.write("\n## Top methods, self\n\n| method | share |\n|---|---|\n")
    for name, count in self_time.most_common(25):
        out.write(f"| `{name}` | {100.0 * count / total:.1f} % |\n")
    out.write("\n## Top Herald and Spring methods, inclusive\n\n| method | share |\n|---|---|\n")
    shown = 0
    for name, count in inclusive.most_common():
        if name.startswith(("io.herald", "org.springframework.security", "io.micrometer", "org.springframework.web")):
            out.write(f"| `{name}` | {100.0 * count / total:.1f} % |\n")
            shown += 1
            if shown == 30:
                break
print(f"profile {prefix}: {total} samples; " + ", ".join(f"{n} {100.0 * c / total:.0f} %" for n, c in areas.most_common()))
