"""Writes bench/profile's summary: where Ferry's CPU time and allocations go under (1) and (2).

usage: profile_summary.py TMP OUT.md DATE SECONDS COMMIT AP_VERSION AP_NOTE

TMP holds, for each scenario S (ka, close): wrk-cpu-S.txt and cpu-S.collapsed (async-profiler's
collapsed stacks, with the options threads, ann and lib; empty when it could not run), wrk-S.txt
and alloc-S.json (`jfr print --json` of the jdk.ObjectAllocationSample events).
"""
import collections
import json
import re
import sys

SCENARIOS = (("ka", "(1) keep-alive GET 1 KiB"), ("close", "(2) a new connection per request"))
JAVA = ("_[j]", "_[i]", "_[0]", "_[1]")
SYSCALL = re.compile(r"^(?:__x64_sys_|__ia32_sys_|__do_sys_|__se_sys_|ksys_)(\w+?)(?:\.\w+)?_\[k\]$")
LIBC_CALL = re.compile(r"^(?:__GI___|__GI_|__libc_|__)?(getsockname|getpeername|setsockopt|getsockopt|socket|"
                       r"connect|accept4?|close|shutdown|bind|listen|read|write|sendto|recvfrom|fcntl)$")
RING_CALLS = ("io_uring_enter",)
INTERVAL_US = 1000  # one CPU sample per millisecond of CPU time (bench/profile's interval=1ms)


def wrk_numbers(path):
    try:
        text = open(path).read()
    except OSError:
        return None
    reqs = re.search(r"(\d+) requests in", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"\n\s+99%\s+([\d.]+\w+)", text)
    if not reqs:
        return None
    return int(reqs.group(1)), float(rps.group(1)) if rps else 0.0, p99.group(1) if p99 else "?"


def java_name(frame):
    for suffix in JAVA:
        if frame.endswith(suffix):
            return frame[: -len(suffix)].replace("/", ".")
    return None


def where(frame):
    """Where a sample's own frame belongs."""
    if frame.endswith("_[k]"):
        return "the kernel"
    name = java_name(frame)
    if name is not None:
        if name.startswith("io.ferry."):
            return "Ferry's code (Java)"
        if name.startswith("io.netty."):
            return "Netty (Java)"
        if name.startswith(("java.", "jdk.", "sun.")):
            return "the JDK (Java)"
        return "other Java code"
    if "`" in frame:
        lib = frame.split("`", 1)[0]
        if lib.startswith("libjvm"):
            return "the JVM (collector, compiler, runtime)"
        if lib.startswith("libc") or lib.startswith("libpthread"):
            return "libc (system call wrappers)"
        if "netty" in lib:
            return "Netty's native library (JNI)"
        return lib
    return "JVM stubs, interpreter, unresolved"


def shown(frame):
    """A frame as the summary prints it."""
    name = java_name(frame)
    if name is not None:
        return name
    if frame.endswith("_[k]"):
        return frame[:-4] + " (kernel)"
    return frame


def syscall(frames):
    """The system call a kernel sample fell in, or what else the kernel was doing."""
    kernel = [f for f in frames if f.endswith("_[k]")]
    for f in kernel:
        m = SYSCALL.match(f)
        if m:
            return m.group(1)
    if any("sysvec" in f or "irq" in f for f in kernel):
        return "(interrupts)"
    if any(f.startswith(("entry_SYSCALL", "do_syscall", "syscall_exit")) for f in kernel):
        return "(entering and leaving system calls)"
    return "(scheduling, page faults, other)"


def direct_call(frames):
    """For a sample in a system call made directly, not through io_uring's ring: a row naming the call,
    the Java method that made it and the two nearest callers of other classes, or None.

    The sample may be in the kernel or in libc's wrapper of the call; either way its deepest Java
    frame is the one that made it, through Netty's native library or the JDK's."""
    depth = max((i for i, f in enumerate(frames) if java_name(f)), default=-1)
    if depth < 0 or depth == len(frames) - 1:
        return None
    below = frames[depth + 1:]
    call = next((m.group(1) for m in (SYSCALL.match(f) for f in below) if m), None)
    if call is None:
        for f in below:
            m = LIBC_CALL.match(f.split("`", 1)[-1])
            if m and not f.endswith("_[k]"):
                call = m.group(1)
                break
    if call is None or call in RING_CALLS:
        return None
    chain = [java_name(frames[depth])]
    for f in reversed(frames[:depth]):
        name = java_name(f)
        if name and len(chain) < 3 and name.rsplit(".", 2)[-2] not in {c.rsplit(".", 2)[-2] for c in chain}:
            chain.append(name)
    return f"`{call}` from " + " < ".join(f"`{c}`" for c in chain)


def thread_group(frame):
    m = re.match(r"^\[(.*?)(?: tid=\d+)?\]$", frame)
    name = m.group(1) if m else frame
    return re.sub(r"\d+", "N", name)


def table(title, rows, what, n):
    """A table of (per request, share, what) rows: the first n, without those that round to nothing."""
    rows = [r for r in rows if not re.fullmatch(r"0(\.0+)? (µs|B)", r[0])][:n]
    out = [f"#### {title}", "", f"| per request | share | {what} |", "|---:|---:|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return out + [""]


def ranked(counter, per_request, total, code=True):
    """Rows of a table: each entry of counter, most first, with its value per request and its share of total."""
    return [(per_request(v), f"{v / total * 100:.1f} %", f"`{k}`" if code else k) for k, v in counter.most_common()]


def cpu_section(tmp, s):
    w = wrk_numbers(f"{tmp}/wrk-cpu-{s}.txt")
    try:
        lines = [l for l in open(f"{tmp}/cpu-{s}.collapsed").read().splitlines() if l.strip()]
    except OSError:
        lines = []
    if not w or not lines:
        return ["No CPU profile: async-profiler did not run or wrote no samples.", ""]
    reqs, rps, p99 = w
    total = 0
    by_where, by_call, by_thread = collections.Counter(), collections.Counter(), collections.Counter()
    own, ferry, direct = collections.Counter(), collections.Counter(), collections.Counter()
    for line in lines:
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        if frames and frames[0].startswith("["):
            by_thread[thread_group(frames[0])] += n
            frames = frames[1:]
        if not frames:
            continue
        total += n
        leaf = frames[-1]
        w_ = where(leaf)
        by_where[w_] += n
        if w_ == "the kernel":
            by_call[syscall(frames)] += n
        own[shown(leaf)] += n
        d = direct_call(frames)
        if d:
            direct[d] += n
        for f in dict.fromkeys(j for j in (java_name(x) for x in frames) if j and j.startswith("io.ferry.")):
            ferry[f] += n

    def us(v):
        return f"{v * INTERVAL_US / reqs:.2f} µs"

    out = [f"Under the CPU sampling wrk measured {rps:,.0f} requests/s (p99 {p99}). {total:,} samples, one per "
           f"millisecond of CPU time: {total * INTERVAL_US / reqs:.1f} µs of Ferry's CPU time per request.", ""]
    out += table("Where the CPU time goes (own frame of each sample)", ranked(by_where, us, total, False), "where", 20)
    out += table("The kernel's part, by system call", ranked(by_call, us, total), "system call", 15)
    out += table("System calls made directly, not through the ring, by the Java method that made them "
                 "(the kernel's time and libc's)", ranked(direct, us, total, False), "call", 12)
    out += table("By thread (digits in names as N)", ranked(by_thread, us, total), "thread", 8)
    out += table("Own time: the frames with the most", ranked(own, us, total), "frame", 25)
    out += table("Within Ferry's methods (inclusive)", ranked(ferry, us, total), "method", 15)
    return out


def alloc_section(tmp, s):
    w = wrk_numbers(f"{tmp}/wrk-{s}.txt")
    try:
        events = json.load(open(f"{tmp}/alloc-{s}.json"))["recording"]["events"]
    except (OSError, ValueError, KeyError):
        events = []
    if not w or not events:
        return ["No allocation recording.", ""]
    reqs, rps, p99 = w
    events.sort(key=lambda e: e["values"]["startTime"])
    seen = set()
    by_class, by_site = collections.Counter(), collections.Counter()
    for e in events:
        v = e["values"]
        thread = (v.get("eventThread") or {}).get("javaName") or "?"
        # A thread's first sample weighs all it allocated since its previous one, before the recording.
        if thread not in seen:
            seen.add(thread)
            continue
        weight = v.get("weight") or 0
        by_class[v["objectClass"]["name"].replace("/", ".")] += weight
        frames = (v.get("stackTrace") or {}).get("frames") or []
        site = next((f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                     for f in frames if f["method"]["type"]["name"].startswith("io/ferry/")),
                    "(outside Ferry's code)")
        by_site[site] += weight
    total = sum(by_class.values()) or 1

    def per(v):
        return f"{v / reqs:,.0f} B"

    out = [f"Under the allocation recording wrk measured {rps:,.0f} requests/s (p99 {p99}). JFR's sampled "
           f"weights add up to {total / reqs:,.0f} bytes allocated per request.", ""]
    out += table("Allocated per request, by class", ranked(by_class, per, total), "class", 15)
    out += table("Allocated per request, by Ferry's allocating method", ranked(by_site, per, total), "method", 15)
    return out


def main():
    tmp, path, date, seconds, commit, ap_version, ap_note, name = sys.argv[1:9]
    out = [f"# Where Ferry spends its time — {date}", "",
           f"Written by `bench/profile` (commit {commit}) on Ferry alone, after a 60 s warm-up, under "
           f"`wrk -t2 -c50` against nginx (1 KiB): for each scenario {seconds} s of CPU sampling with "
           f"async-profiler {ap_version} (CPU time of every thread, Java, JVM and kernel frames), then "
           f"{seconds} s of allocation recording with Java Flight Recorder. The flame graphs "
           f"(`{name}-*-cpu.html`) and the recordings (`{name}-*.jfr`) are beside this file. "
           "Profiling slows Ferry down; the request rates below are not results, and per-request figures "
           "are the ones to compare.", ""]
    if ap_note:
        out += [ap_note, ""]
    for s, title in SCENARIOS:
        out += [f"## {title}", "", "### CPU", ""] + cpu_section(tmp, s)
        out += ["### Allocation", ""] + alloc_section(tmp, s)
    open(path, "w").write("\n".join(out) + "\n")
    print(path)


if __name__ == "__main__":
    main()
