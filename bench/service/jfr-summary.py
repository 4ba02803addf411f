#!/usr/bin/env python3
"""Turns a JFR recording's execution samples into a collapsed-stack file (root first, ';'-joined, one
stack and its count a line: the input of flamegraph.pl or speedscope) and a short Markdown summary of
where the samples fall (self and inclusive, by method and by area). Usage: jfr-summary.py FILE.jfr OUT-PREFIX"""
import collections, re, subprocess, sys

jfr_file, prefix = sys.argv[1], sys.argv[2]
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", jfr_file],
                      capture_output=True, text=True, check=True).stdout
stacks = collections.Counter()
frame = re.compile(r"^\s+(.+?)(?:\s+line:.*)?$")
for block in text.split("jdk.ExecutionSample {")[1:]:
    if "stackTrace = [" not in block:
        continue
    body = block.split("stackTrace = [", 1)[1].split("\n  ]", 1)[0]
    frames = []
    for line in body.splitlines():
        m = frame.match(line)
        if m and m.group(1).strip() and m.group(1).strip() != "...":
            frames.append(re.sub(r"\(.*\)", "", m.group(1).strip()))
    if frames:
        stacks[";".join(reversed(frames))] += 1

total = sum(stacks.values())
with open(prefix + ".collapsed", "w") as out:
    for stack, count in stacks.most_common(3000):
        out.write(f"{stack} {count}\n")

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
         ("Herald", ("io.herald",))]
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
    out.write(f"JFR execution samples of Herald's JVM during the scenario (`jfr print --events jdk.ExecutionSample`), "
              f"{total} samples. The collapsed stacks are in `{prefix.rsplit('/', 1)[-1]}.collapsed` "
              f"(`flamegraph.pl {prefix.rsplit('/', 1)[-1]}.collapsed > flame.svg`, or open it in speedscope.app).\n\n")
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
