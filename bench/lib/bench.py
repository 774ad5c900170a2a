#!/usr/bin/env python3
"""Ferry side by side with HAProxy and nginx: the orchestrator behind bench/run.

Standard library only. Starts an nginx origin and a Node WebSocket/TCP origin on 127.0.0.1, writes
one proxy configuration, runs Ferry and HAProxy with it side by side (each on its own ports, given
in the environment), measures every scenario on one and right after on the other, the one first
alternating from round to round (A B, B A, ...), and writes bench/results/<UTC date>[-quick].md,
a .json with every sample and an .svg chart.

Exit status: 0 when the results were written and HAProxy was measured in every scenario, 1 when
the results were written but HAProxy could not be measured everywhere, 2 on a harness error.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import resource
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
REPO = os.path.dirname(BENCH)
TOOLS = os.path.join(HERE, "tools.js")
HOST = "127.0.0.1"

# The launcher users run: it maps Ferry's class-data sharing archive (target/ferry.jsa), as the
# distribution's bin/ferry does (docs/packaging.md).
DEFAULT_FERRY_CMD = "bin/ferry -d -f CFG"
DEFAULT_HAPROXY_CMD = "haproxy -db -f CFG"

PROFILES = {
    # durations in seconds
    # settle: at most this many more passes of warm-up for a JVM, until its compiler is quiet
    "quick": dict(rounds=1, duration=2, warm=1.0, conns=20, ws_conns=20, idle=500,
                  start_timeout=20, settle=1),
    "full": dict(rounds=4, duration=10, warm=12.0, conns=50, ws_conns=100, idle=5000,
                 start_timeout=30, settle=8),
}

SYSTEMS = ["nginx", "relay", "ferry", "haproxy"]

# A JVM's compiler is quiet when its threads use less than this share of one core.
SETTLE_QUIET = 0.01
LABEL = {"nginx": "nginx direct", "relay": "Netty relay", "ferry": "Ferry", "haproxy": "HAProxy",
         "patched": "Ferry on patched Netty"}
# A byte relay after Netty's own proxy example, bytes copied each way and nothing else, on Ferry's Netty, transport and
# JVM: the floor under any proxy built on them (NettyRelay.java).
RELAY_SOURCE = os.path.join(HERE, "NettyRelay.java")
# A change to Netty's io_uring transport that spares it the address look-ups HAProxy does not make (six
# system calls per proxied connection): applied to the sources of the Netty that Ferry is built on,
# compiled, and put ahead of Ferry's jar, Ferry's (2) is measured on it beside the proxies'. The
# files it changes, per Netty artifact.
NETTY_PATCH = os.path.join(HERE, "netty-addresses.diff")
NETTY_PATCHED = {"netty-transport-native-unix-common": ["io/netty/channel/unix/Socket.java"],
                 "netty-transport-classes-io_uring": ["io/netty/channel/uring/LinuxSocket.java",
                                                      "io/netty/channel/uring/IoUringServerSocketChannel.java",
                                                      "io/netty/channel/uring/AbstractIoUringChannel.java"]}
# (5) is also run through the relay, copying and splicing, for the table of tunnel CPU costs.
TUNNEL_LABEL = {"relay": "Netty relay, copying", "relay_splice": "Netty relay, splicing", "ferry": "Ferry",
                "haproxy": "HAProxy"}

# A stall of the machine: a harness thread that only sleeps, 2 ms at a time, woke at least this
# late. Such a thread is woken ahead of busy ones, and woke at most a few milliseconds late in the
# loaded runs measured by hand here; on a virtual machine, the host stopping its processors for a
# moment (about 100 ms each time on the hosts seen here) makes it wake that late, and makes every
# process on the machine wait as long, whichever system is being measured then. wrk's latency
# percentiles are corrected for coordinated omission (each answer later than the mean interval
# between a connection's requests also counts the requests that would have been sent meanwhile),
# so one 100 ms stall moved (1)'s p99 from about 4 to about 50 ms in a 5 s measurement (by hand),
# and takes it to about 10 ms in a 10 s one (by the arithmetic of that correction).
STALL_MS = 30.0
STALL_TICK_S = 0.002
# A measurement during which the machine stalled is made again, at most this many more times; the
# notes list every one, with the stalls seen, and the JSON keeps the samples set aside.
STALL_RETRIES = 2

# key, title, unit, higher_is_better, target (for Ferry/HAProxy, or absolute for start-up)
METRICS = [
    ("ka_1k", "(1) keep-alive GET 1 KiB", "req/s", True, ("ratio>=", 1.0)),
    ("ka_1k_p99", "(1) p99 latency", "ms", False, ("ratio<=", 1.1)),
    ("close_1k", "(2) new connection per request, 1 KiB", "req/s", True, ("ratio>=", 1.0)),
    ("close_1k_p99", "(2) p99 latency", "ms", False, None),
    ("ka_100k", "(3) keep-alive GET 100 KiB", "req/s", True, ("ratio>=", 1.0)),
    ("ka_100k_p99", "(3) p99 latency", "ms", False, None),
    ("ws_rtt", "(4) WebSocket echo round trips", "round trips/s", True, ("ratio>=", 1.0)),
    ("ws_rtt_p99", "(4) p99 round-trip time", "ms", False, None),
    ("tcp_1", "(5) tunnel throughput, 1 tunnel", "MB/s", True, ("ratio>=", 1.0)),
    ("tcp_10", "(5) tunnel throughput, 10 tunnels", "MB/s", True, ("ratio>=", 1.0)),
    ("idle_kib", "(6) memory per idle WebSocket tunnel", "KiB", False, ("ratio<=", 1.0)),
    ("startup_accept", "(7) start-up to first accepted connection", "ms", False, ("abs<=", 1000.0)),
    ("startup_serve", "(7) start-up to first proxied response", "ms", False, None),
]
METRIC = {m[0]: m for m in METRICS}
# the environment variables that give a proxy its three listening ports in the shared configuration
PORT_NAMES = ("FE_HTTP", "FE_WS", "FE_TCP")
# (key, path, length, Connection: close) of (1) to (3), and (key, tunnels) of (5)
HTTP_SCENARIOS = (("ka_1k", "/1k.bin", 1024, False),
                  ("close_1k", "/1k.bin", 1024, True),
                  ("ka_100k", "/100k.bin", 102400, False))
TCP_SCENARIOS = (("tcp_1", 1), ("tcp_10", 10))
# the request-rate scenarios (1) to (3), which nginx direct and the relay also run
HTTP_KEYS = tuple(s[0] for s in HTTP_SCENARIOS)
DIRECT_METRICS = ["ka_1k", "ka_1k_p99", "close_1k", "close_1k_p99", "ka_100k", "ka_100k_p99"]


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class HarnessError(Exception):
    pass


# ---- processes ---------------------------------------------------------------------------------

def default_signals():
    """In the child before exec: SIGINT and SIGQUIT back to their defaults. A shell starts a
    background job with them ignored, the ignoring is inherited through exec, and a JVM keeps an
    ignored SIGINT ignored; the proxies must see SIGINT as they would from a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


class Procs:
    """Every process the harness starts, each in its own session so that it can be stopped with its
    children; their ids also go to a file so that bench/run can stop them should Python die."""

    def __init__(self, pidfile):
        self.procs = []
        self.pidfile = pidfile

    def start(self, argv, name, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(argv, start_new_session=True, preexec_fn=default_signals, **kw)
        p.bench_name = name
        self.procs.append(p)
        if self.pidfile:
            with open(self.pidfile, "a") as f:
                f.write(f"{p.pid}\n")
        return p

    def stop(self, p, first=signal.SIGTERM, grace=5.0):
        """Stops p (signal `first` to the process, then SIGTERM and SIGKILL to its group).
        Returns the exit status, or None if it had to be killed."""
        if p.poll() is None:
            try:
                os.kill(p.pid, first)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    try:
                        os.killpg(p.pid, sig)
                    except ProcessLookupError:
                        pass
                    try:
                        p.wait(timeout=3)
                        break
                    except subprocess.TimeoutExpired:
                        continue
                code = None
            else:
                code = p.returncode
        else:
            code = p.returncode
        # children left behind in its group (nginx workers, a wrapper's java)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if p in self.procs:
            self.procs.remove(p)
        return code

    def stop_all(self):
        for p in list(self.procs):
            self.stop(p, grace=3.0)


def run(argv, timeout, **kw):
    """Runs a bounded command and returns (returncode, stdout, stderr)."""
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, **kw)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return None, out, err + f"\n(timed out after {timeout} s)"
    except FileNotFoundError as e:
        return 127, "", str(e)


def jdk_tool(name):
    """The JDK's `name` (java, javac): from JAVA_HOME when it is set, else from the PATH."""
    return os.path.join(os.environ["JAVA_HOME"], "bin", name) if os.environ.get("JAVA_HOME") else name


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def tail(path, n=6):
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip() for l in f.readlines() if l.strip()]
    except OSError:
        return ""
    return "\n".join(lines[-n:])


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1, below the kernel's ephemeral range so that the load
    clients' own connections never take them."""
    lo, hi = 20000, 32000
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            eph_lo = int(f.read().split()[0])
            hi = min(hi, eph_lo - 1)
    except (OSError, ValueError, IndexError):
        pass
    ports = []
    for _ in range(1000):
        if len(ports) == n:
            break
        port = random.randint(lo, hi)
        if port in ports:
            continue
        s = socket.socket()
        try:
            s.bind((HOST, port))
            ports.append(port)
        except OSError:
            pass
        finally:
            s.close()
    if len(ports) < n:
        raise HarnessError("could not find free ports on 127.0.0.1")
    return ports


def port_open(port, timeout=0.2):
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_get(port, path, timeout=3.0):
    """(status, body length) or raises OSError/HTTPException."""
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        return r.status, len(body)
    finally:
        c.close()


def proc_stat(path):
    """A /proc .../stat file: the command name, and the fields after it (state first), or None when
    it cannot be read (the process or thread is gone)."""
    try:
        with open(path) as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()


def cpu_ticks_split(fields):
    """User and system time in a stat's fields (after the name), in clock ticks (a pair)."""
    return int(fields[11]), int(fields[12])


def cpu_ticks(fields):
    """User plus system time in a stat's fields (after the name), in clock ticks."""
    return sum(cpu_ticks_split(fields))


def process_tree(pid):
    """pid and its descendants (a launcher that forks its JVM is counted with it)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = proc_stat(f"/proc/{d}/stat")
        if st:
            children.setdefault(int(st[1][1]), []).append(int(d))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def sleeps(pid):
    """How many times pid's threads and its descendants' have gone to sleep so far (their voluntary
    context switches, from /proc/PID/task/*/status)."""
    total = 0
    for p in process_tree(pid):
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        total += sum(status_field(f"/proc/{p}/task/{t}/status", "voluntary_ctxt_switches") for t in tasks)
    return total


def status_field(path, name):
    """A number from a /proc .../status file (its first word after "name:"), 0 when it is gone."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def idle_seconds():
    """Time all processors have spent idle so far (idle and iowait of /proc/stat), in seconds."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


class Machine:
    """What one measurement cost the whole machine besides the process measured: processor time
    left idle, the origin's and the load generator's CPU time, and how often each of them, and the
    process measured, went to sleep. The load generator's share comes from the rusage of waited-for
    children, so nothing else may be waited for between start() and stop()."""

    def __init__(self, pid, origin):
        self.pid, self.origin = pid, origin

    def start(self):
        self.before = self.snapshot()
        return self

    def snapshot(self):
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return dict(idle=idle_seconds(), origin_cpu=cpu_seconds(self.origin), origin_sleeps=sleeps(self.origin),
                    load_cpu=ru.ru_utime + ru.ru_stime, load_sleeps=ru.ru_nvcsw, sleeps=sleeps(self.pid))

    def per_request(self, requests):
        """Each difference since start(), per request: seconds as µs, sleeps as they are."""
        after = self.snapshot()
        d = {k: (after[k] - self.before[k]) / requests for k in after}
        for k in ("idle", "origin_cpu", "load_cpu"):
            d[k] *= 1e6
        return d


def rss_kib(pid):
    """VmRSS of pid and its descendants, in KiB."""
    return sum(status_field(f"/proc/{p}/status", "VmRSS") for p in process_tree(pid))


def cpu_seconds(pid):
    """CPU time (user and system) spent so far by pid and its descendants, in seconds."""
    return sum(cpu_split(pid))


def cpu_split(pid):
    """User and system CPU time spent so far by pid and its descendants, in seconds (a pair)."""
    user = system = 0
    for p in process_tree(pid):
        st = proc_stat(f"/proc/{p}/stat")
        if st:
            u, k = cpu_ticks_split(st[1])
            user += u
            system += k
    hz = os.sysconf("SC_CLK_TCK")
    return user / hz, system / hz


def jit_cpu_seconds(jvm):
    """CPU time the JIT compiler threads of JVM jvm have used so far, in seconds."""
    try:
        tasks = os.listdir(f"/proc/{jvm}/task")
    except OSError:
        return 0.0
    stats = (proc_stat(f"/proc/{jvm}/task/{t}/stat") for t in tasks)
    return sum(cpu_ticks(st[1]) for st in stats
               if st and st[0].startswith(("C1 CompilerThre", "C2 CompilerThre"))) / os.sysconf("SC_CLK_TCK")


def java_pid(pid):
    """The JVM among pid and its descendants (a launcher may fork it), or None."""
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() == "java":
                    return p
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return None


def live_heap_kib(jvm):
    """After a full collection (jcmd GC.run): the JVM's used heap, and how much of the heap's
    reserved range is resident, both in KiB (GC.heap_info gives the range, /proc/PID/smaps the
    resident pages in it)."""
    code, _, err = run(["jcmd", str(jvm), "GC.run"], timeout=60)
    if code != 0:
        raise MeasureError(f"jcmd GC.run failed: {first_line(err)}")
    code, out, err = run(["jcmd", str(jvm), "GC.heap_info"], timeout=30)
    used = re.search(r"used (\d+)K", out or "")
    span = re.search(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)", out or "")
    if code != 0 or not used or not span:
        raise MeasureError(f"jcmd GC.heap_info gave no used heap: {first_line(err) or first_line(out)}")
    lo, hi = int(span.group(1), 16), int(span.group(2), 16)
    resident = 0
    inside = False
    try:
        with open(f"/proc/{jvm}/smaps") as f:
            for line in f:
                m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
                if m:
                    start, end = int(m.group(1), 16), int(m.group(2), 16)
                    inside = start >= lo and end <= hi
                elif inside and line.startswith("Rss:"):
                    resident += int(line.split()[1])
    except OSError as e:
        raise MeasureError(f"cannot read the JVM's memory map: {e}")
    return int(used.group(1)), resident


# ---- load tools --------------------------------------------------------------------------------

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def wrk(port, path, conns, duration, close=False):
    """Runs wrk; returns dict(rps, p99_ms, requests, non2xx, errors, mbps) or raises MeasureError."""
    threads = max(1, min(2, conns))
    argv = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--latency",
            "--timeout", "5s"]
    if close:
        argv += ["-H", "Connection: close"]
    argv.append(f"http://{HOST}:{port}{path}")
    code, out, err = run(argv, timeout=duration + 30)
    if code != 0:
        raise MeasureError(f"wrk failed ({code}): {first_line(err) or first_line(out)}")
    m = re.search(r"(\d+) requests in", out)
    requests = int(m.group(1)) if m else 0
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rps = float(m.group(1)) if m else 0.0
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M)
    p99 = float(m.group(1)) * UNIT_MS[m.group(2)] if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errs = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
    nerr = sum(errs.values())
    if requests == 0 or rps == 0:
        raise MeasureError("no request completed" + (f" (socket errors {errs})" if errs else ""))
    if non2xx:
        raise MeasureError(f"{non2xx} of {requests} responses were not 2xx/3xx")
    if nerr > max(10, requests // 100):
        raise MeasureError(f"too many socket errors: {errs} for {requests} requests")
    return dict(rps=rps, p99_ms=p99, requests=requests, errors=errs)


def with_cpu(pid, run, count):
    """run() (a measurement returning a dict) and the (user, system) CPU µs pid spent over it per
    unit of work, the units being run()'s result[count]; gives (result, (user, system))."""
    u0, s0 = cpu_split(pid)
    r = run()
    u1, s1 = cpu_split(pid)
    return r, ((u1 - u0) * 1e6 / r[count], (s1 - s0) * 1e6 / r[count])


def wrk_with_cpu(pid, port, path, conns, duration, close=False):
    """wrk() with `cpu`: the (user, system) CPU µs per request pid spent over the run."""
    r, cpu = with_cpu(pid, lambda: wrk(port, path, conns, duration, close=close), "requests")
    return dict(r, cpu=cpu)


class MeasureError(Exception):
    pass


def node_json(argv, timeout):
    code, out, err = run(["node", TOOLS] + argv, timeout=timeout)
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if not lines:
        raise MeasureError(f"{argv[0]} printed nothing ({code}): {first_line(err)}")
    res = json.loads(lines[-1])
    if code != 0 or "error" in res and res["error"] and len(res) == 1:
        raise MeasureError(f"{argv[0]}: {res.get('error') or first_line(err)}")
    return res


class StallWatch:
    """While open, a thread of the harness sleeps STALL_TICK_S at a time and records each wake-up
    that came STALL_MS or more late: (seconds since opened, ms late). It takes no processor time
    worth counting (one wake-up every 2 ms) and shares nothing with what is measured."""

    def __init__(self):
        self.stalls = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall-watch", daemon=True)

    def __enter__(self):
        self.t0 = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        return False

    def _watch(self):
        while not self._stop.is_set():
            a = time.monotonic()
            time.sleep(STALL_TICK_S)
            late_ms = (time.monotonic() - a - STALL_TICK_S) * 1000
            if late_ms >= STALL_MS:
                self.stalls.append((round(a - self.t0, 2), round(late_ms)))


def ws_rtt(port, conns, duration):
    r = node_json(["ws-rtt", "--port", str(port), "--conns", str(conns), "--duration",
                   str(duration)], timeout=duration + 45)
    if r["roundtrips"] == 0:
        raise MeasureError("no round trip completed")
    if r["errors"]:
        raise MeasureError(f"{r['errors']} tunnels failed during the run")
    return r


def tcp_read(port, conns, duration):
    r = node_json(["tcp-read", "--port", str(port), "--conns", str(conns), "--duration",
                   str(duration)], timeout=duration + 45)
    if r["bytes"] == 0:
        raise MeasureError("no byte went through")
    if r["errors"]:
        raise MeasureError(f"{r['errors']} tunnels failed: {r.get('error')}")
    return r


def probe_http(port, path, length):
    try:
        status, n = http_get(port, path)
    except (OSError, http.client.HTTPException) as e:
        raise MeasureError(f"GET {path} failed: {e.__class__.__name__}: {e}")
    if status != 200 or n != length:
        raise MeasureError(f"GET {path} answered {status} with {n} bytes, expected 200 with {length}")


def probe_node(kind, port):
    node_json([kind, "--port", str(port)], timeout=15)


class Live:
    """A proxy started for a round: its process, its ports (PORT_NAMES to numbers) and its log."""

    def __init__(self, system, p, ports, logf):
        self.system, self.p, self.ports, self.logf = system, p, ports, logf
        self.started = False

    def alive(self):
        return self.p.poll() is None


# ---- the benchmark -----------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.profile_name = "quick" if args.quick else "full"
        self.p = dict(PROFILES[self.profile_name])
        if args.rounds:
            self.p["rounds"] = args.rounds
        self.procs = Procs(os.environ.get("BENCH_PIDFILE"))
        self.tmp = tempfile.mkdtemp(prefix="ferry-bench-")
        self.samples = {s: {k: [] for k in METRIC} for s in SYSTEMS}
        # the round of each sample, for the ratio of each round's Ferry and HAProxy measured together
        self.sample_rounds = {s: {k: [] for k in METRIC} for s in SYSTEMS}
        self.failures = {s: {k: [] for k in METRIC} for s in SYSTEMS}
        self.notes = {s: [] for s in SYSTEMS + ["patched"]}
        # (5) per label: (MB/s, CPU s per GB) of each round
        self.tunnels = {t: {"tcp_1": [], "tcp_10": []} for t in TUNNEL_LABEL}
        # (4): per round trip, the proxy's user and system CPU µs and the WebSocket origin's CPU µs
        self.ws_cpu = {s: [] for s in SYSTEMS}
        # (user, system) CPU µs per request of the process measured, per system and HTTP scenario
        self.http_cpu = {s: {k: [] for k in HTTP_KEYS} for s in SYSTEMS}
        # (2) through the relay's listeners that read first, on epoll and on io_uring: req/s of each
        # round, and the relay's (user, system) CPU µs per request
        self.relay_first = []
        self.relay_first_uring = []
        self.relay_first_cpu = {"epoll": [], "io_uring": []}
        # (1) through the relay's io_uring listener: (req/s, p99 ms) of each round
        self.relay_uring_ka = []
        # (2) through Ferry on the patched Netty (NETTY_PATCH), right after the proxies' (2): per
        # round, dict(round, rps, cpu) where cpu is its (user, system) CPU µs per request
        self.patched_close = []
        self.netty_classes = None       # the patched classes, once compiled
        self.netty_unpatched = None     # why there are none
        self.netty_version = None
        # per system and HTTP scenario, per round: Machine.per_request
        self.machine = {s: {k: [] for k in HTTP_KEYS} for s in SYSTEMS}
        # measurements made again because the machine stalled during them (see StallWatch)
        self.stalled = []
        self.rnd = 0
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.load_start = self.loadavg()
        self.ferry_cmd = args.ferry_cmd or os.environ.get("FERRY_CMD") or DEFAULT_FERRY_CMD
        self.haproxy_cmd = os.environ.get("HAPROXY_CMD") or DEFAULT_HAPROXY_CMD
        self.ferry_unavailable = None   # reason, when Ferry cannot even be built

    @staticmethod
    def loadavg():
        try:
            with open("/proc/loadavg") as f:
                return " ".join(f.read().split()[:3])
        except OSError:
            return "unknown"

    def clean(self, text):
        """Text from tools and proxies on one line, with the run's own directories replaced."""
        text = text.replace(self.tmp, "$TMPDIR").replace(REPO, ".")
        return " / ".join(l.strip() for l in text.splitlines() if l.strip()).replace("|", "\\|")

    # -- setup --

    def setup(self):
        for tool in ("haproxy", "nginx", "wrk", "node"):
            if not shutil.which(tool):
                raise HarnessError(f"{tool} is not installed (bench/run installs it with apt-get)")
        os.chmod(self.tmp, 0o755)
        www = os.path.join(self.tmp, "www")
        os.makedirs(www)
        os.chmod(www, 0o755)
        for name, size in (("1k.bin", 1024), ("100k.bin", 100 * 1024)):
            path = os.path.join(www, name)
            with open(path, "wb") as f:
                f.write(os.urandom(size))
            os.chmod(path, 0o644)
        ports = free_ports(17)
        (self.nginx_port, self.ws_origin_port, self.tcp_origin_port, self.relay_port, self.relay_tcp_port,
         self.relay_splice_port, self.relay_first_port, self.relay_first_uring_port) = ports[:8]
        # Both proxies run at once with the same file: the environment gives each its own ports.
        self.ports = {"ferry": dict(zip(PORT_NAMES, ports[8:11])), "haproxy": dict(zip(PORT_NAMES, ports[11:14])),
                      "patched": dict(zip(PORT_NAMES, ports[14:17]))}
        self.start_nginx(www)
        self.start_origin()
        self.cfg = os.path.join(self.tmp, "bench.cfg")
        with open(self.cfg, "w") as f:
            f.write(self.proxy_config())
        code, out, err = run(["haproxy", "-c", "-f", self.cfg], timeout=30, env=self.proxy_env("haproxy"))
        if code != 0:
            raise HarnessError("HAProxy rejects the generated configuration:\n" + err + out)
        self.prepare_ferry()
        self.patch_netty()

    def start_nginx(self, www):
        d = os.path.join(self.tmp, "nginx")
        os.makedirs(os.path.join(d, "temp"))
        user = "user root;" if os.geteuid() == 0 else ""
        conf = f"""# generated by bench/run
{user}
worker_processes 1;
daemon off;
master_process on;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
worker_rlimit_nofile 20000;
events {{ worker_connections 16000; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    client_body_temp_path {d}/temp/body;
    proxy_temp_path {d}/temp/proxy;
    fastcgi_temp_path {d}/temp/fastcgi;
    uwsgi_temp_path {d}/temp/uwsgi;
    scgi_temp_path {d}/temp/scgi;
    types {{ application/octet-stream bin; }}
    default_type application/octet-stream;
    server {{
        listen {HOST}:{self.nginx_port} backlog=4096;
        root {www};
        location / {{ }}
    }}
}}
"""
        path = os.path.join(d, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        errlog = open(os.path.join(d, "stderr.log"), "w")
        self.nginx = self.procs.start(["nginx", "-p", d, "-c", path, "-e", os.path.join(d, "error.log")],
                                      "nginx", stdout=errlog, stderr=errlog)
        self.wait_port(self.nginx, self.nginx_port, 10, "nginx", os.path.join(d, "error.log"))
        try:
            probe_http(self.nginx_port, "/1k.bin", 1024)
        except MeasureError as e:
            raise HarnessError(f"nginx does not serve the files: {e}")

    def start_origin(self):
        logf = open(os.path.join(self.tmp, "origin.log"), "w")
        self.origin = self.procs.start(["node", TOOLS, "origin", "--ws-port", str(self.ws_origin_port),
                                        "--tcp-port", str(self.tcp_origin_port)],
                                       "origin", stdout=logf, stderr=logf)
        self.wait_port(self.origin, self.ws_origin_port, 10, "WebSocket origin",
                       os.path.join(self.tmp, "origin.log"))
        self.wait_port(self.origin, self.tcp_origin_port, 10, "TCP origin",
                       os.path.join(self.tmp, "origin.log"))
        try:
            probe_node("ws-probe", self.ws_origin_port)
            probe_node("tcp-probe", self.tcp_origin_port)
        except MeasureError as e:
            raise HarnessError(f"the Node origin does not work: {e}")

    def wait_port(self, p, port, seconds, what, logpath):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise HarnessError(f"{what} exited with status {p.returncode}: {self.clean(tail(logpath))}")
            if port_open(port):
                return
            time.sleep(0.02)
        raise HarnessError(f"{what} did not listen on {HOST}:{port} within {seconds} s")

    def proxy_env(self, system):
        """The environment of a proxy: its own listening ports, which the shared file names."""
        return dict(os.environ, **{name: str(port) for name, port in self.ports[system].items()})

    def proxy_config(self):
        return f"""# Generated by bench/run: the same file is given to Ferry and to HAProxy, which run at
# the same time; each gets its own listening ports in FE_HTTP, FE_WS and FE_TCP.
global
    maxconn 8000

defaults
    mode http
    maxconn 8000
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
    timeout tunnel 1h
    timeout client-fin 5s
    timeout server-fin 5s

frontend fe_http
    bind "{HOST}:${{FE_HTTP}}"
    default_backend be_nginx

backend be_nginx
    server nginx {HOST}:{self.nginx_port}

frontend fe_ws
    bind "{HOST}:${{FE_WS}}"
    default_backend be_ws

backend be_ws
    server ws_echo {HOST}:{self.ws_origin_port}

listen tcp_tunnel
    mode tcp
    bind "{HOST}:${{FE_TCP}}"
    server source {HOST}:{self.tcp_origin_port}
"""

    def command(self, template):
        argv = shlex.split(template)
        return [a.replace("CFG", self.cfg) for a in argv]

    def prepare_ferry(self):
        """Builds target/ferry.jar when the command needs it and it is missing or stale; with the
        source tree's launcher, runs it once with -v so that whatever it does before starting
        Ferry (building, making the class-data sharing archive for this java) is not timed."""
        launcher = shlex.split(self.ferry_cmd)[:1] == ["bin/ferry"]
        if "target/ferry.jar" not in self.ferry_cmd and not launcher:
            return
        self.build_jar()
        if launcher and not self.ferry_unavailable:
            code, out, err = run([os.path.join(REPO, "bin", "ferry"), "-v"], timeout=900, cwd=REPO)
            if code != 0:
                self.ferry_unavailable = ("`bin/ferry -v` failed: "
                                          + self.clean(first_line(err) or first_line(out) or f"status {code}"))
                log(self.ferry_unavailable)

    def build_jar(self):
        jar = os.path.join(REPO, "target", "ferry.jar")
        if os.path.exists(jar) and not self.newer_sources(os.path.getmtime(jar)):
            return
        if not shutil.which("mvn"):
            if not os.path.exists(jar):
                self.ferry_unavailable = "target/ferry.jar is missing and Maven (mvn) is not installed"
            return
        log("building target/ferry.jar (mvn -B -q -DskipTests package): it is missing or older than the sources")
        code, out, err = run(["mvn", "-B", "-q", "-DskipTests", "package"], timeout=900, cwd=REPO)
        if code != 0 or not os.path.exists(jar):
            lines = [l for l in (out + err).splitlines() if "ERROR" in l][:4]
            self.ferry_unavailable = ("`mvn -B -q -DskipTests package` failed: "
                                      + self.clean(" / ".join(lines) or first_line(err) or f"status {code}"))
            log(self.ferry_unavailable)

    @staticmethod
    def newer_sources(mtime):
        """True when pom.xml or a file under src/main is newer than mtime (the jar is stale)."""
        paths = [os.path.join(REPO, "pom.xml")]
        for root, _, files in os.walk(os.path.join(REPO, "src", "main")):
            paths.extend(os.path.join(root, f) for f in files)
        return any(os.path.getmtime(p) > mtime for p in paths if os.path.exists(p))

    def patch_netty(self):
        """Compiles NETTY_PATCH, applied to the sources of the Netty that Ferry is built on, into
        self.netty_classes; when it cannot, self.netty_unpatched says why (a note, not a failure)."""
        if self.ferry_unavailable or self.ferry_cmd != DEFAULT_FERRY_CMD:
            self.netty_unpatched = ("Ferry could not be built" if self.ferry_unavailable
                                    else "Ferry runs another command than bin/ferry (--ferry-cmd or FERRY_CMD)")
            return
        try:
            self.netty_classes = self.compile_patched_netty()
            log(f"{LABEL['patched']}: {os.path.basename(NETTY_PATCH)} applied and compiled")
        except MeasureError as e:
            self.netty_unpatched = self.clean(str(e))
            log(f"{LABEL['patched']}: {self.netty_unpatched}")

    def compile_patched_netty(self):
        with open(os.path.join(REPO, "pom.xml")) as f:
            m = re.search(r"<netty\.version>([^<]+)</netty\.version>", f.read())
        if not m:
            raise MeasureError("pom.xml names no netty.version")
        version = m.group(1)
        src, out = os.path.join(self.tmp, "netty-src"), os.path.join(self.tmp, "netty-classes")
        repo = os.path.join(os.path.expanduser("~"), ".m2", "repository", "io", "netty")
        files = []
        for artifact, paths in NETTY_PATCHED.items():
            jar = os.path.join(repo, artifact, version, f"{artifact}-{version}-sources.jar")
            if not os.path.exists(jar):
                code, o, e = run(["mvn", "-B", "-q", "dependency:get", "-Dtransitive=false",
                                  f"-Dartifact=io.netty:{artifact}:{version}:jar:sources"], timeout=300, cwd=self.tmp)
                if code != 0 or not os.path.exists(jar):
                    raise MeasureError(f"the sources of io.netty:{artifact}:{version} could not be fetched: "
                                       + (first_line(o) or first_line(e) or f"status {code}"))
            with zipfile.ZipFile(jar) as z:
                for path in paths:
                    z.extract(path, src)
                    files.append(os.path.join(src, path))
        code, o, e = run(["git", "apply", "-p1", NETTY_PATCH], timeout=60, cwd=src)
        if code != 0:
            raise MeasureError(f"{os.path.basename(NETTY_PATCH)} does not apply to Netty {version}: "
                               + (first_line(e) or first_line(o) or f"status {code}"))
        code, o, e = run([jdk_tool("javac"), "--release", "17", "-nowarn", "-d", out,
                          "-cp", os.path.join(REPO, "target", "ferry.jar")] + files, timeout=300)
        if code != 0:
            raise MeasureError("the patched Netty classes do not compile: " + (first_line(e) or first_line(o)))
        self.netty_version = version
        return out

    # -- recording --

    def record(self, system, key, value):
        self.samples[system][key].append(value)
        self.sample_rounds[system][key].append(self.rnd)

    def fail(self, system, keys, reason):
        reason = self.clean(reason)
        for k in keys:
            if reason not in self.failures[system][k]:
                self.failures[system][k].append(reason)
        log(f"{LABEL[system]}: {', '.join(keys)}: {reason}")

    def unstalled(self, system, what, measure):
        """Returns measure(), made under a StallWatch and made again, at most STALL_RETRIES more
        times, while the machine stalled during it; the last one is kept when it stalled every
        time. Each one set aside goes to the JSON, and a note says what happened."""
        seen = []
        for _ in range(STALL_RETRIES + 1):
            with StallWatch() as watch:
                r = measure()
            if not watch.stalls:
                break
            seen.append(watch.stalls)
            self.stalled.append(dict(system=system, what=what, round=self.rnd + 1, stalls=watch.stalls, result=r))
            log(f"{LABEL[system]}: {what}: the machine stalled during the measurement "
                f"({', '.join(f'{ms} ms' for _, ms in watch.stalls)})")
        if seen:
            each = "; ".join(", ".join(f"{ms} ms at {t:g} s" for t, ms in st) for st in seen)
            kept = ("all stalled; the last is kept" if watch.stalls
                    else f"the measurement made after {'it' if len(seen) == 1 else 'them'} is kept")
            self.notes[system].append(f"round {self.rnd + 1}, {what}: the machine stalled during "
                                      f"{len(seen)} measurement(s) ({each}); {kept}")
        return r

    # -- scenarios --

    def http_scenarios(self, system, port, pid, alive):
        for scenario in HTTP_SCENARIOS:
            self.http_scenario(system, port, pid, alive, *scenario)

    def http_scenario(self, system, port, pid, alive, key, path, length, close):
        d, c = self.p["duration"], self.p["conns"]
        keys = [key, key + "_p99"]
        if not alive():
            self.fail(system, keys, "the process had exited")
            return
        def measure():
            probe_http(port, path, length)
            machine = Machine(pid, self.nginx.pid).start()
            r = wrk_with_cpu(pid, port, path, c, d, close=close)
            return dict(r, machine=machine.per_request(r["requests"]))
        try:
            r = self.unstalled(system, METRIC[key][1], measure)
        except MeasureError as e:
            self.fail(system, keys, str(e))
            return
        self.machine[system][key].append(r["machine"])
        self.record(system, key, r["rps"])
        self.http_cpu[system][key].append(r["cpu"])
        if r["p99_ms"] is not None:
            self.record(system, key + "_p99", r["p99_ms"])
        log(f"{LABEL[system]}: {key} {r['rps']:.0f} req/s, p99 {r['p99_ms']} ms")

    def ws_scenario(self, system, port, pid, alive):
        """(4) through port, with the proxy's CPU time and the WebSocket origin's per round trip."""
        d = self.p["duration"]
        keys = ["ws_rtt", "ws_rtt_p99"]
        if not alive():
            self.fail(system, keys, "the process had exited")
            return
        try:
            probe_node("ws-probe", port)
            def measure():
                o0 = cpu_seconds(self.origin.pid)
                r, (user, system) = with_cpu(pid, lambda: ws_rtt(port, self.p["ws_conns"], d), "roundtrips")
                origin = (cpu_seconds(self.origin.pid) - o0) * 1e6 / r["roundtrips"]
                return dict(r, cpu=(user, system, origin))
            r = self.unstalled(system, METRIC["ws_rtt"][1], measure)
            self.record(system, "ws_rtt", r["rate"])
            self.record(system, "ws_rtt_p99", r["p99_ms"])
            self.ws_cpu[system].append(r["cpu"])
            log(f"{LABEL[system]}: ws_rtt {r['rate']:.0f}/s, p99 {r['p99_ms']:.2f} ms")
        except MeasureError as e:
            self.fail(system, keys, str(e))

    def tcp_scenarios(self, system, label, port, pid, alive):
        for key, n in TCP_SCENARIOS:
            self.tcp_scenario(system, label, port, pid, alive, key, n)

    def tcp_scenario(self, system, label, port, pid, alive, key, n):
        """(5) over n tunnels through port, with the proxy's CPU per GB moved, kept under label
        (system's, or a variant of it); failures are system's."""
        d = self.p["duration"]
        variant = "" if label == system else TUNNEL_LABEL[label] + ": "
        if not alive():
            self.fail(system, [key], variant + "the process had exited")
            return
        def measure():
            probe_node("tcp-probe", port)
            c0 = cpu_seconds(pid)
            r = tcp_read(port, n, d)
            return dict(r, cpu_s=cpu_seconds(pid) - c0)
        try:
            r = self.unstalled(system, variant + METRIC[key][1], measure)
            if label == system:
                self.record(system, key, r["mbps"])
            # CPU over the whole measurement (its connects and ramp-up included) per GB read in it
            cpu = r["cpu_s"] / (r["bytes"] / 1e9)
            self.tunnels[label][key].append((r["mbps"], cpu))
            log(f"{TUNNEL_LABEL[label]}: {key} {r['mbps']:.0f} MB/s, {cpu:.2f} CPU s/GB")
        except MeasureError as e:
            self.fail(system, [key], variant + str(e))

    def idle_scenario(self, system, port, pid, alive):
        n = self.p["idle"]
        if not alive():
            self.fail(system, ["idle_kib"], "the process had exited")
            return
        try:
            probe_node("ws-probe", port)
        except MeasureError as e:
            self.fail(system, ["idle_kib"], str(e))
            return
        time.sleep(1.0)
        # A JVM's resident size hides what the tunnels hold in a heap whose pages earlier scenarios
        # already touched, so for one the live heap is measured too, after a full collection.
        jvm = java_pid(pid) if system == "ferry" else None
        try:
            heap_before, heap_rss_before = live_heap_kib(jvm) if jvm else (0, 0)
        except MeasureError as e:
            self.fail(system, ["idle_kib"], str(e))
            return
        before = rss_kib(pid)
        heap_after, heap_rss_after = 0, 0
        p = self.procs.start(["node", TOOLS, "ws-idle", "--port", str(port), "--conns", str(n),
                              "--max-hold", "60"], "ws-idle", stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = self.readline(p, 90)
            if not line:
                raise MeasureError("the idle-tunnel client printed nothing")
            r = json.loads(line)
            if r.get("open") != n:
                raise MeasureError(f"only {r.get('open')} of {n} tunnels opened: {r.get('error')}")
            time.sleep(1.0)
            if not alive():
                raise MeasureError("the process exited with the tunnels open")
            heap_after, heap_rss_after = live_heap_kib(jvm) if jvm else (0, 0)
            after = rss_kib(pid)
        except (MeasureError, ValueError) as e:
            self.fail(system, ["idle_kib"], str(e))
            return
        finally:
            try:
                p.stdin.write("close\n")
                p.stdin.flush()
                p.wait(timeout=15)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
            self.procs.stop(p, first=signal.SIGTERM, grace=10)
        if jvm:
            # The growth of what is resident outside the heap, plus the growth of the live heap: the
            # heap's resident size says how large the collector keeps it, not what the tunnels hold.
            outside_before, outside_after = before - heap_rss_before, after - heap_rss_after
            per = ((outside_after - outside_before) + (heap_after - heap_before)) / n
            self.notes[system].append(f"(6) RSS {before} KiB before, {after} KiB with {n} idle tunnels; outside "
                                      f"the heap {outside_before} and {outside_after} KiB; live heap after a "
                                      f"full collection {heap_before} and {heap_after} KiB")
        else:
            per = (after - before) / n
            self.notes[system].append(f"(6) RSS {before} KiB before, {after} KiB with {n} idle tunnels")
        self.record(system, "idle_kib", per)
        log(f"{LABEL[system]}: idle_kib {per:.2f} KiB per tunnel ({before} -> {after} KiB)")

    @staticmethod
    def readline(p, seconds):
        """One line from p's stdout, waiting at most `seconds` (select on the pipe)."""
        import select
        deadline = time.monotonic() + seconds
        buf = ""
        fd = p.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 65536).decode(errors="replace")
            if not chunk:
                break
            buf += chunk
            if "\n" in buf:
                return buf.split("\n", 1)[0]
        return buf or None

    def warm_up(self, system, ports):
        port = ports["FE_HTTP"]
        w = self.p["warm"]
        half = max(1, int(round(w / 2)))
        whole = max(1, int(round(w)))
        c = self.p["conns"]
        # Every scenario, then (1) again: the measurements begin with (1), and a JVM's compiler is
        # still compiling for a while after the other scenarios first run (it recompiles what they
        # made less specific).
        for step in (lambda: wrk(port, "/1k.bin", c, whole),
                     lambda: wrk(port, "/1k.bin", c, half, close=True),
                     lambda: wrk(port, "/100k.bin", c, half),
                     lambda: ws_rtt(ports["FE_WS"], self.p["ws_conns"], half),
                     lambda: tcp_read(ports["FE_TCP"], 2, half),
                     lambda: wrk(port, "/1k.bin", c, whole)):
            try:
                step()
            except MeasureError:
                pass   # the scenario's own probe reports what does not work

    def ready(self, system, pid, ports, rnd):
        """A proxy's warm-up for a round: every scenario, then passes of (2), (3) and (1) until a JVM's
        compiler is quiet."""
        self.warm_up(system, ports)
        self.settle(system, pid, self.settle_steps(ports["FE_HTTP"], ("close", "100k", "1k")), f"round {rnd + 1}")

    def settle_steps(self, port, scenarios):
        """A pass of settle(): each of (2) "close", (3) "100k" and (1) "1k" named, for about a quarter of
        the warm-up's length each (3 s in a full run)."""
        c, secs = self.p["conns"], max(1, int(round(self.p["warm"] / 4)))
        run = {"close": lambda d: wrk(port, "/1k.bin", c, d, close=True),
               "100k": lambda d: wrk(port, "/100k.bin", c, d),
               "1k": lambda d: wrk(port, "/1k.bin", c, d)}
        return [(run[name], secs) for name in scenarios]

    def settle(self, system, pid, steps, what):
        """For a JVM: passes of `steps` (each a (function, seconds) pair) after its warm-up, until its
        JIT compiler threads used less than SETTLE_QUIET of a core over a pass, at most the profile's
        `settle` passes. The compiler promotes a path only after thousands of uses, and a path used
        once per connection reaches that in (2) later than the per-request ones do in (1): without
        this, a slower host measured (2) while the compiler was still at work on it. Notes how it went."""
        jvm = java_pid(pid)
        if not jvm:
            return
        used, n, quiet = None, 0, False
        for n in range(1, self.p["settle"] + 1):
            before, t0 = jit_cpu_seconds(jvm), time.monotonic()
            for step, seconds in steps:
                try:
                    step(seconds)
                except MeasureError:
                    pass   # the scenario's own probe reports what does not work
            used = jit_cpu_seconds(jvm) - before
            quiet = used < SETTLE_QUIET * (time.monotonic() - t0)
            if quiet:
                break
        if used is not None:
            self.notes[system].append(f"{what}: {n} more pass(es) of warm-up; the JIT compiler used {used:.2f} s "
                                      f"of CPU in the last, " + ("quiet" if quiet else "still not quiet"))

    # -- one system in one round --

    def run_direct(self, rnd):
        log(f"round {rnd + 1}: nginx direct")
        try:
            wrk(self.nginx_port, "/1k.bin", self.p["conns"], max(1, int(self.p["warm"])))
        except MeasureError:
            pass
        self.http_scenarios("nginx", self.nginx_port, self.nginx.pid, lambda: self.nginx.poll() is None)

    def run_relay(self, rnd):
        """The floor: the same HTTP scenarios through NettyRelay.java, which runs on Ferry's jar.
        Returns a Live for the relay, still running and warmed up on its io_uring listener, when it
        has one: (1) and (2) are measured there beside the proxies' (run_proxies), then it is stopped."""
        log(f"round {rnd + 1}: {LABEL['relay']}")
        if self.ferry_unavailable:
            self.fail("relay", DIRECT_METRICS, self.ferry_unavailable)
            return None
        argv = [jdk_tool("java"), "-Dio.netty.leakDetection.level=disabled", "-cp", os.path.join(REPO, "target", "ferry.jar"),
                RELAY_SOURCE, str(self.relay_port), str(self.nginx_port),
                f"{self.relay_tcp_port}:{self.tcp_origin_port}", f"{self.relay_splice_port}:{self.tcp_origin_port}:splice",
                f"{self.relay_first_port}:{self.nginx_port}:read-first",
                f"{self.relay_first_uring_port}:{self.nginx_port}:read-first:io_uring"]
        logpath = os.path.join(self.tmp, f"relay-{rnd + 1}.log")
        logf = open(logpath, "w")
        try:
            p = self.procs.start(argv, "relay", stdout=logf, stderr=subprocess.STDOUT, cwd=REPO)
        except OSError as e:
            logf.close()
            self.fail("relay", DIRECT_METRICS, f"could not start `{' '.join(argv)}`: {e}")
            return None
        alive = lambda: p.poll() is None
        keep = False
        try:
            deadline = time.monotonic() + self.p["start_timeout"]
            while time.monotonic() < deadline and alive() and not port_open(self.relay_port, timeout=0.5):
                time.sleep(0.05)
            if not port_open(self.relay_port, timeout=0.5):
                out = tail(logpath)
                self.fail("relay", DIRECT_METRICS, "did not start" + (f"; its output ends: {out}" if out else ""))
                return None
            c = self.p["conns"]
            try:
                wrk(self.relay_port, "/1k.bin", c, max(1, int(round(self.p["warm"]))))
                wrk(self.relay_port, "/1k.bin", c, max(1, int(round(self.p["warm"] / 2))), close=True)
            except MeasureError:
                pass   # the scenario's own probe reports what does not work
            self.settle("relay", p.pid, self.settle_steps(self.relay_port, ("close", "100k", "1k")), f"round {rnd + 1}")
            self.http_scenarios("relay", self.relay_port, p.pid, alive)
            self.tcp_scenarios("relay", "relay", self.relay_tcp_port, p.pid, alive)
            self.tcp_scenarios("relay", "relay_splice", self.relay_splice_port, p.pid, alive)
            self.read_first_scenario(p.pid, alive, "epoll", self.relay_first_port, self.relay_first)
            if port_open(self.relay_first_uring_port, timeout=0.5):
                self.uring_warm_up(p.pid, self.relay_first_uring_port)
                keep = alive()
                return Live("relay", p, {"FE_HTTP": self.relay_first_uring_port}, logf) if keep else None
            if rnd == 0:
                self.notes["relay"].append("(2) reading first on io_uring: " + (tail(logpath) or "no listener"))
            return None
        finally:
            if not keep:
                self.procs.stop(p, first=signal.SIGTERM, grace=5.0)
                logf.close()

    def read_first_scenario(self, pid, alive, transport, port, samples):
        """(2) through a listener of the relay that reads the client's first bytes before it connects
        to nginx, as an HTTP proxy must: the floor under one in (2), on one transport. After a
        warm-up there, half of the proxies' (the relay's other scenarios warmed its epoll paths)."""
        if not alive():
            return
        try:
            wrk(port, "/1k.bin", self.p["conns"], max(1, int(round(self.p["warm"] / 2))), close=True)
            self.settle("relay", pid, self.settle_steps(port, ("close",)), f"(2) reading first, on {transport}")
        except MeasureError as e:
            self.notes["relay"].append(f"(2) reading first, on {transport}: {e}")
            return
        self.read_first_measure(pid, transport, port, samples)

    def read_first_measure(self, pid, transport, port, samples):
        def measure():
            probe_http(port, "/1k.bin", 1024)
            return wrk_with_cpu(pid, port, "/1k.bin", self.p["conns"], self.p["duration"], close=True)
        try:
            r = self.unstalled("relay", f"(2) reading first, on {transport}", measure)
        except MeasureError as e:
            self.notes["relay"].append(f"(2) reading first, on {transport}: {e}")
            return
        samples.append(r["rps"])
        self.relay_first_cpu[transport].append(r["cpu"])
        log(f"{LABEL['relay']}, reading first on {transport}: close_1k {r['rps']:.0f} req/s")

    def uring_warm_up(self, pid, port):
        """A whole warm-up of the relay's io_uring listener, which its other scenarios (on epoll) did
        not warm: (2), then (1), each with its settle passes."""
        for what, close, scenario in (("(2) reading first, on io_uring", True, "close"),
                                      ("(1) on io_uring", False, "1k")):
            try:
                wrk(port, "/1k.bin", self.p["conns"], max(1, int(round(self.p["warm"]))), close=close)
                self.settle("relay", pid, self.settle_steps(port, (scenario,)), what)
            except MeasureError as e:
                self.notes["relay"].append(f"{what}: {e}")

    def uring_keep_alive_measure(self, pid, port):
        """(1) through the relay's io_uring listener (that it reads first makes no difference on a
        kept-alive connection): the floor under Ferry's (1), and its p99, on the transport Ferry
        runs on."""
        what = "(1) on io_uring"

        def measure():
            probe_http(port, "/1k.bin", 1024)
            return wrk(port, "/1k.bin", self.p["conns"], self.p["duration"])
        try:
            r = self.unstalled("relay", what, measure)
        except MeasureError as e:
            self.notes["relay"].append(f"{what}: {e}")
            return
        self.relay_uring_ka.append((r["rps"], r["p99_ms"]))
        log(f"{LABEL['relay']}, on io_uring: ka_1k {r['rps']:.0f} req/s, p99 {r['p99_ms']} ms")

    def start_patched(self, rnd):
        """Ferry on the patched Netty (its classes ahead of Ferry's jar) for a round, warmed up and
        settled as Ferry is; a Live for it, or None when it has none or it does not serve."""
        if not self.netty_classes:
            if rnd == 0:
                self.notes["patched"].append(f"not run: {self.netty_unpatched}")
            return None
        log(f"round {rnd + 1}: starting {LABEL['patched']}")
        # as bin/ferry runs it, less the class-data sharing archive, which is made for Ferry's jar alone
        argv = [jdk_tool("java"), "-cp", self.netty_classes + os.pathsep + os.path.join(REPO, "target", "ferry.jar"),
                "io.ferry.cli.Main"] + self.command(DEFAULT_FERRY_CMD)[1:]
        ports = self.ports["patched"]
        logpath = os.path.join(self.tmp, f"patched-{rnd + 1}.log")
        logf = open(logpath, "w")
        try:
            p = self.procs.start(argv, "patched", stdout=logf, stderr=subprocess.STDOUT, cwd=REPO,
                                 env=dict(self.proxy_env("patched"), _JAVA_SR_SIGNUM="39"))
        except OSError as e:
            logf.close()
            self.notes["patched"].append(f"round {rnd + 1}: could not start: {e}")
            return None
        live = Live("patched", p, ports, logf)
        ok = False
        try:
            try:
                self.wait_port(p, ports["FE_HTTP"], self.p["start_timeout"], LABEL["patched"], logpath)
            except HarnessError as e:
                self.notes["patched"].append(f"round {rnd + 1}: {e}")
                return None
            live.started = True
            self.ready("patched", p.pid, ports, rnd)
            ok = True
            return live
        finally:
            if not ok:
                self.stop_proxy(live, rnd)

    def patched_measure(self, live):
        """(2) through Ferry on the patched Netty, as the proxies' own (2) is measured."""
        port = live.ports["FE_HTTP"]

        def measure():
            probe_http(port, "/1k.bin", 1024)
            return wrk_with_cpu(live.p.pid, port, "/1k.bin", self.p["conns"], self.p["duration"], close=True)
        try:
            r = self.unstalled("patched", METRIC["close_1k"][1], measure)
        except MeasureError as e:
            self.notes["patched"].append(f"round {self.rnd + 1}, (2): {e}")
            return
        self.patched_close.append(dict(round=self.rnd, rps=r["rps"], cpu=r["cpu"]))
        log(f"{LABEL['patched']}: close_1k {r['rps']:.0f} req/s")

    def start_proxy(self, system, rnd):
        """Starts one proxy for a round with the shared file and its own ports, measures (7), warms it
        up; returns a Live for it, or None (its failures recorded) when it does not serve."""
        log(f"round {rnd + 1}: starting {LABEL[system]}")
        all_keys = [m[0] for m in METRICS]
        if system == "ferry" and self.ferry_unavailable:
            self.fail(system, all_keys, self.ferry_unavailable)
            return None
        argv = self.command(self.ferry_cmd if system == "ferry" else self.haproxy_cmd)
        ports = self.ports[system]
        logpath = os.path.join(self.tmp, f"{system}-{rnd + 1}.log")
        logf = open(logpath, "w")
        t0 = time.monotonic()
        try:
            p = self.procs.start(argv, system, stdout=logf, stderr=subprocess.STDOUT, cwd=REPO,
                                 env=self.proxy_env(system))
        except OSError as e:
            logf.close()
            self.fail(system, all_keys, f"could not start `{' '.join(argv)}`: {e}")
            return None
        live = Live(system, p, ports, logf)
        ok = False
        try:
            # (7) start-up: first accepted connection, then first proxied response
            accept_ms = None
            deadline = t0 + self.p["start_timeout"]
            while time.monotonic() < deadline:
                if not live.alive():
                    break
                if port_open(ports["FE_HTTP"], timeout=0.5):
                    accept_ms = (time.monotonic() - t0) * 1000
                    break
                time.sleep(0.005)
            if accept_ms is None:
                if not live.alive():
                    why = f"exited with status {p.returncode} at start-up"
                else:
                    why = f"did not accept a connection within {self.p['start_timeout']} s"
                out = tail(logpath)
                self.fail(system, all_keys, f"did not start: {why}" + (f"; its output ends: {out}" if out else ""))
                return None
            live.started = True
            serve_ms, last = None, None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and live.alive():
                try:
                    status, n = http_get(ports["FE_HTTP"], "/1k.bin", timeout=1.0)
                    if status == 200 and n == 1024:
                        serve_ms = (time.monotonic() - t0) * 1000
                        break
                    last = f"answered {status} with {n} bytes"
                except (OSError, http.client.HTTPException) as e:
                    last = f"{e.__class__.__name__}: {e}"
                time.sleep(0.01)
            self.record(system, "startup_accept", accept_ms)
            log(f"{LABEL[system]}: accepted a connection {accept_ms:.0f} ms after start")
            if serve_ms is None:
                out = tail(logpath)
                self.fail(system, [k for k in all_keys if k != "startup_accept"],
                          f"started but did not serve: GET /1k.bin through it {last or 'failed'} for 10 s"
                          + (f"; its output ends: {out}" if out else ""))
                return None
            self.record(system, "startup_serve", serve_ms)
            self.ready(system, p.pid, ports, rnd)
            ok = True
            return live
        finally:
            if not ok:
                self.stop_proxy(live, rnd)

    def stop_proxy(self, live, rnd):
        code = self.procs.stop(live.p, first=signal.SIGINT, grace=5.0)
        live.logf.close()
        if code is None:
            self.notes[live.system].append(f"round {rnd + 1}: did not exit within 5 s of SIGINT; killed")
        elif code > 0 and live.started:
            # a negative code is death by SIGINT itself (HAProxy -db has no handler for it)
            self.notes[live.system].append(f"round {rnd + 1}: exited with status {code} on SIGINT")

    def run_proxies(self, rnd, relay=None, patched=None):
        """Both proxies up at once, each warmed up; then every scenario on one and right after on the
        other, so that the two measurements of a scenario are seconds apart rather than the whole
        list of scenarios apart: the host's speed drifts over minutes."""
        order = self.proxy_order(rnd)
        live = {}
        try:
            for system in order:
                h = self.start_proxy(system, rnd)
                if h:
                    live[system] = h
            up = [s for s in order if s in live]
            log(f"round {rnd + 1}: measuring " + " then ".join(LABEL[s] for s in up))
            jvms = {s: java_pid(live[s].p.pid) for s in up}
            jit0 = {s: jit_cpu_seconds(j) for s, j in jvms.items() if j}
            if relay:
                live["relay"] = relay   # stopped by run(), not below
            if patched:
                live["patched"] = patched   # likewise
            waiting = {s: [0.0, 0.0] for s in live}   # CPU s and wall s each spent waiting its turn

            def turn(s, measure):
                """measure() on s, with the CPU time the others (the other proxy, the relay) used meanwhile."""
                others = [o for o in waiting if o != s and live[o].alive()]
                before = {o: cpu_seconds(live[o].p.pid) for o in others}
                t0 = time.monotonic()
                measure()
                for o in others:
                    waiting[o][0] += cpu_seconds(live[o].p.pid) - before[o]
                    waiting[o][1] += time.monotonic() - t0

            for scenario in HTTP_SCENARIOS:
                for s in up:
                    turn(s, lambda: self.http_scenario(s, live[s].ports["FE_HTTP"], live[s].p.pid, live[s].alive,
                                                       *scenario))
                # the floor under (1) and (2) on io_uring, and (2) on the patched Netty, measured
                # right after the proxies'
                if relay and relay.alive() and scenario[0] == "ka_1k":
                    turn("relay", lambda: self.uring_keep_alive_measure(relay.p.pid, relay.ports["FE_HTTP"]))
                elif scenario[0] == "close_1k":
                    if relay and relay.alive():
                        turn("relay", lambda: self.read_first_measure(relay.p.pid, "io_uring",
                                                                      relay.ports["FE_HTTP"], self.relay_first_uring))
                    if patched and patched.alive():
                        turn("patched", lambda: self.patched_measure(patched))
            for s, j in jvms.items():
                if j:
                    self.notes[s].append(f"round {rnd + 1}: the JIT compiler used "
                                         f"{jit_cpu_seconds(j) - jit0[s]:.2f} s of CPU during (1) to (3)")
            for s in up:
                turn(s, lambda: self.ws_scenario(s, live[s].ports["FE_WS"], live[s].p.pid, live[s].alive))
            for key, n in TCP_SCENARIOS:
                for s in up:
                    turn(s, lambda: self.tcp_scenario(s, s, live[s].ports["FE_TCP"], live[s].p.pid, live[s].alive,
                                                      key, n))
            for s, (cpu, wall) in waiting.items():
                if wall:
                    self.notes[s].append(f"round {rnd + 1}: waiting its turn during the others' (1) to (5), "
                                         f"{wall:.0f} s, it used {cpu * 1000:.0f} ms of CPU")
            for s in up:
                self.idle_scenario(s, live[s].ports["FE_WS"], live[s].p.pid, live[s].alive)
        finally:
            for system in order:
                if system in live:
                    self.stop_proxy(live[system], rnd)

    def run(self):
        self.setup()
        rounds = self.p["rounds"]
        for rnd in range(rounds):
            self.rnd = rnd
            self.run_direct(rnd)
            relay = self.run_relay(rnd)
            patched = None
            # The two proxies take turns at going first (A B, B A, ...): whichever always ran second
            # would always meet the host a few seconds later, and the load it left behind.
            try:
                patched = self.start_patched(rnd)
                self.run_proxies(rnd, relay, patched)
            finally:
                if relay:
                    self.procs.stop(relay.p, first=signal.SIGTERM, grace=5.0)
                    relay.logf.close()
                if patched:
                    self.stop_proxy(patched, rnd)
        self.finished = datetime.datetime.now(datetime.timezone.utc)
        self.load_end = self.loadavg()

    @staticmethod
    def proxy_order(rnd):
        """Ferry first in rounds 1, 3, 5 ..., HAProxy first in rounds 2, 4 ..."""
        return ("ferry", "haproxy") if rnd % 2 == 0 else ("haproxy", "ferry")

    # -- report --

    def median(self, system, key):
        v = self.samples[system][key]
        return statistics.median(v) if v else None

    def facts(self):
        def ver(argv, stream="both"):
            code, out, err = run(argv, timeout=20)
            return first_line(out + "\n" + err) if stream == "both" else first_line(out)
        cpu = "unknown"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        mem = "unknown"
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemTotal:"):
                        mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        except OSError:
            pass
        java = ver(["java", "-version"])
        code, rev, _ = run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], timeout=10)
        code2, dirty, _ = run(["git", "-C", REPO, "status", "--porcelain", "--", "src", "pom.xml"], timeout=10)
        ferry = f"commit {rev.strip()}" if code == 0 and rev.strip() else "unknown (not a git checkout)"
        if code2 == 0 and dirty.strip():
            ferry += " with uncommitted changes"
        return [
            ("Ferry", ferry),
            ("CPU", f"{os.cpu_count()} cores ({cpu})"),
            ("Memory", mem),
            ("Kernel", f"{platform.system()} {platform.release()}"),
            ("JDK", java),
            ("HAProxy", ver(["haproxy", "-v"])),
            ("nginx", ver(["nginx", "-v"])),
            ("wrk", ver(["wrk", "-v"])),
            ("Node (load clients, origin)", ver(["node", "--version"])),
            ("Python", platform.python_version()),
            ("Load average at start / end", f"{self.load_start} / {getattr(self, 'load_end', '?')}"),
        ]

    def fmt(self, v, key):
        if v is None:
            return "—"
        unit = METRIC[key][2]
        if unit == "ms":
            return f"{v:.2f}" if v < 100 else f"{v:.0f}"
        if unit == "KiB":
            return f"{v:.2f}"
        if unit == "MB/s":
            return f"{v:.0f}"
        return f"{v:.0f}"

    def round_ratios(self, key):
        """Ferry/HAProxy of each round in which both were measured (one right after the other)."""
        h = dict(zip(self.sample_rounds["haproxy"][key], self.samples["haproxy"][key]))
        return [f / h[r] for r, f in zip(self.sample_rounds["ferry"][key], self.samples["ferry"][key])
                if h.get(r)]

    def ratio_of_medians(self, key):
        f, h = self.median("ferry", key), self.median("haproxy", key)
        if f is None or h is None or h == 0:
            return None
        return f / h

    def ratio(self, key):
        """The median of the rounds' ratios: the two measurements of a round were made seconds apart,
        so the host's drift from round to round, which moves both, leaves their ratio. The ratio of
        the medians when no round measured both."""
        pairs = self.round_ratios(key)
        return statistics.median(pairs) if pairs else self.ratio_of_medians(key)

    def verdict(self, key):
        target = METRIC[key][4]
        if not target:
            return ""
        kind, bound = target
        if kind == "abs<=":
            f = self.median("ferry", key)
            want = f"≤ {bound:.0f} ms"
            if f is None:
                return f"{want}: not measured"
            return f"{want}: {'met' if f <= bound else f'missed by {f - bound:.0f} ms'}"
        r = self.ratio(key)
        want = ("≥ " if kind == "ratio>=" else "≤ ") + f"{bound:g}"
        if r is None:
            return f"{want}: not measured"
        ok = r >= bound if kind == "ratio>=" else r <= bound
        if ok:
            return f"{want}: met"
        return f"{want}: missed by {abs(r - bound) / bound * 100:.0f} %"

    def failure_text(self, system, key):
        f = self.failures[system][key]
        return f[0] if f else None

    def cell(self, system, key):
        v = self.median(system, key)
        n = len(self.samples[system][key])
        if v is None:
            return "**no result**" if self.failures[system][key] else "—"
        rounds = self.p["rounds"]
        s = self.fmt(v, key)
        if n < rounds:
            s += f" ({n} of {rounds} runs)"
        return s

    def haproxy_complete(self):
        return all(self.samples["haproxy"][k] for k in METRIC)

    def write(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        date = self.started.strftime("%Y-%m-%d")
        base = date + ("-quick" if self.args.quick else "")
        # A later run of the same day gets its own files (-2, -3, ...) rather than replacing the
        # first's, which may have been annotated by hand.
        n = 1
        while os.path.exists(os.path.join(outdir, (base if n == 1 else f"{base}-{n}") + ".md")):
            n += 1
        base = base if n == 1 else f"{base}-{n}"
        md_path = os.path.join(outdir, base + ".md")
        svg_path = os.path.join(outdir, base + ".svg")
        json_path = os.path.join(outdir, base + ".json")
        with open(svg_path, "w") as f:
            f.write(self.svg())
        with open(json_path, "w") as f:
            json.dump({"started": self.started.isoformat(timespec="seconds"),
                       "profile": self.profile_name, "settings": self.p,
                       "ferry_command": self.clean(" ".join(shlex.split(self.ferry_cmd))),
                       "haproxy_command": self.haproxy_cmd,
                       "samples": self.samples, "sample_rounds": self.sample_rounds,
                       "ratios": {k: {"median_of_rounds": self.ratio(k), "rounds": self.round_ratios(k),
                                      "of_medians": self.ratio_of_medians(k)} for k in METRIC},
                       "failures": self.failures, "notes": self.notes,
                       "tunnels": self.tunnels, "http_cpu": self.http_cpu, "ws_cpu": self.ws_cpu,
                       "machine": self.machine,
                       "relay_read_first": self.relay_first, "relay_read_first_io_uring": self.relay_first_uring,
                       "relay_read_first_cpu": self.relay_first_cpu, "relay_io_uring_ka_1k": self.relay_uring_ka,
                       "patched_netty_close_1k": self.patched_close,
                       "stalled": self.stalled},
                      f, indent=1, sort_keys=True)
            f.write("\n")
        with open(md_path, "w") as f:
            f.write(self.markdown(os.path.basename(svg_path), os.path.basename(json_path)))
        return md_path

    def markdown(self, svg_name, json_name):
        p = self.p
        L = []
        title = "quick run" if self.args.quick else "full run"
        L.append(f"# Ferry, HAProxy and nginx side by side — {self.started.strftime('%Y-%m-%d %H:%M')} UTC ({title})")
        L.append("")
        L.append("Written by `bench/run" + (" --quick" if self.args.quick else "") + "`; every number below was "
                 "measured in this run. Ferry and HAProxy run side by side with the same file, and each "
                 "scenario is measured on one and right after on the other; Ferry/HAProxy is the median of "
                 "the rounds' ratios (each round's in \"each round\"), the other columns are medians of the "
                 "rounds (for req/s, round trips/s and MB/s higher is better; for latency, memory and start-up "
                 "lower is better).")
        L.append("")
        # plain statement about Ferry first
        ferry_measured = [k for k in METRIC if self.samples["ferry"][k]]
        if not ferry_measured:
            reasons = sorted({r for k in METRIC for r in self.failures["ferry"][k]})
            L.append("**Ferry could not be measured in this run.** "
                     + ("Reason: " + " | ".join(reasons) if reasons else ""))
            L.append("")
        elif len(ferry_measured) < len(METRIC):
            missing = [k for k in METRIC if not self.samples["ferry"][k]]
            L.append(f"**Ferry was measured in {len(ferry_measured)} of {len(METRIC)} metrics**; "
                     f"see \"What failed\" for {', '.join(missing)}.")
            L.append("")
        if not self.haproxy_complete():
            L.append("**HAProxy could not be measured in every scenario**; see \"What failed\".")
            L.append("")
        patched = f"{LABEL['patched']} (warmed up, then measured in (2) only), " if self.netty_classes else ""
        L.append(f"Settings: {p['rounds']} round(s) of nginx direct, Netty relay, {patched}then the two proxies started "
                 f"one after the other, each warmed up, then each scenario on both, Ferry first in "
                 f"odd rounds and HAProxy first in even ones; "
                 f"{p['duration']} s per measurement after a warm-up of every scenario (about {p['warm']:g} s of (1)) "
                 f"and, for a JVM, up to {p['settle']} more passes of (2), (3) and (1) until its JIT compiler is quiet "
                 f"(under {SETTLE_QUIET:.0%} of a core; see Notes); "
                 f"{p['conns']} wrk connections (2 threads); {p['ws_conns']} WebSocket tunnels for (4); "
                 f"{p['idle']} idle tunnels for (6). A measurement during which the machine stalled (a harness "
                 f"thread sleeping {STALL_TICK_S * 1000:g} ms at a time woke {STALL_MS:g} ms or more late: every "
                 f"process waited as long) is made again, at most {STALL_RETRIES} more times; "
                 + (f"{len(self.stalled)} measurement(s) were set aside so (see Notes)."
                    if self.stalled else "none stalled in this run."))
        L.append("")
        L.append("| scenario | unit | nginx direct | Ferry | HAProxy | Ferry/HAProxy | each round | target |")
        L.append("|---|---|---:|---:|---:|---:|---|---|")
        for key, title, unit, _, _ in METRICS:
            r = self.ratio(key)
            each = ", ".join(f"{x:.2f}" for x in self.round_ratios(key))
            nginx = self.cell("nginx", key) if key in DIRECT_METRICS else ""
            L.append(f"| {title} | {unit} | {nginx} | {self.cell('ferry', key)} | {self.cell('haproxy', key)} | "
                     f"{'—' if r is None else f'{r:.2f}'} | {each} | {self.verdict(key)} |")
        L.append("")
        L.append(f"![Ferry relative to HAProxy]({svg_name})")
        L.append("")
        L.extend(self.floor_table())
        L.extend(self.patched_table())
        L.extend(self.http_cpu_table())
        L.extend(self.machine_table())
        L.extend(self.ws_cpu_table())
        L.extend(self.tunnel_table())
        fails = [(s, k, msg) for s in SYSTEMS for k in METRIC for msg in self.failures[s][k]]
        if fails:
            L.append("## What failed")
            L.append("")
            grouped = {}
            for s, k, msg in fails:
                grouped.setdefault((s, msg), []).append(k)
            for (s, msg), keys in grouped.items():
                L.append(f"- {LABEL[s]} — {', '.join(keys)}: {msg}")
            L.append("")
        L.append("## All samples")
        L.append("")
        L.append("| metric | " + " | ".join(LABEL[s] for s in SYSTEMS) + " |")
        L.append("|---|" + "---|" * len(SYSTEMS))
        for key, title, unit, _, _ in METRICS:
            cells = []
            for s in SYSTEMS:
                v = self.samples[s][key]
                cells.append(", ".join(self.fmt(x, key) for x in v) if v else "")
            L.append(f"| {key} ({unit}) | " + " | ".join(cells) + " |")
        L.append("")
        notes = [(s, n) for s in self.notes for n in self.notes[s]]
        if notes:
            L.append("Notes:")
            L.append("")
            for s, n in notes:
                L.append(f"- {LABEL[s]}: {n}")
            L.append("")
        L.append("## Machine")
        L.append("")
        L.append("| | |")
        L.append("|---|---|")
        for k, v in self.facts():
            L.append(f"| {k} | {v} |")
        L.append("")
        L.append(f"Commands: Ferry `{self.clean(self.ferry_cmd)}`, HAProxy `{self.haproxy_cmd}` "
                 "(CFG is the generated file below). The load clients, the origins and the proxy share the "
                 "machine's cores: a busy machine (see the load average) makes every number noisier.")
        L.append("")
        L.append("## Configuration given to both proxies")
        L.append("")
        L.append("Ports are chosen at run time and given to each proxy in its environment (FE_HTTP, FE_WS, "
                 "FE_TCP): "
                 + "; ".join(f"{LABEL[s]} " + ", ".join(f"{n}={v}" for n, v in self.ports[s].items())
                             for s in ("ferry", "haproxy")) + ".")
        L.append("")
        L.append("```")
        L.append(self.proxy_config().rstrip())
        L.append("```")
        L.append("")
        L.append(f"Raw samples: [{json_name}]({json_name}).")
        L.append("")
        return "\n".join(L)

    def floor_table(self):
        """Netty's own proxy example next to HAProxy and Ferry: how much of a gap to HAProxy is the
        platform's (Netty, its epoll transport, the JVM) before Ferry does anything."""
        L = ["## The floor: a Netty byte relay", "",
             "`bench/lib/NettyRelay.java` is a byte relay after Netty's proxy example: it accepts, connects "
             "to nginx and copies bytes each way, with no HTTP, rules, timeouts, logs or counters, on the "
             "Netty version, event-loop count, loop strategy (a loop polls once more without waiting before "
             "it sleeps) and JVM that Ferry runs on, and on Netty's epoll transport, where Ferry runs on "
             "io_uring when the kernel offers it (docs/proxying.md): the rows that say so run on io_uring. Where "
             "the relay is slower than HAProxy, that share of Ferry's gap is the platform's; Ferry/relay is "
             "what Ferry's own work costs (on epoll, less what io_uring saves it).", "",
             "| scenario | Netty relay | Ferry | HAProxy | relay/HAProxy | Ferry/relay |",
             "|---|---:|---:|---:|---:|---:|"]
        def row(label, key, r, relay_cell):
            f, h = self.median("ferry", key), self.median("haproxy", key)
            rh = f"{r / h:.2f}" if r and h else "—"
            fr = f"{f / r:.2f}" if r and f else "—"
            L.append(f"| {label} | {relay_cell} | {self.cell('ferry', key)} | {self.cell('haproxy', key)} "
                     f"| {rh} | {fr} |")
        for key in HTTP_KEYS:
            row(METRIC[key][1], key, self.median("relay", key), self.cell("relay", key))
        row(f"{METRIC['ka_1k_p99'][1]} (ms)", "ka_1k_p99", self.median("relay", "ka_1k_p99"),
            self.cell("relay", "ka_1k_p99"))
        uring = [(rps, p99) for rps, p99 in self.relay_uring_ka if p99 is not None]
        if uring:
            for i, (label, key) in enumerate(((METRIC["ka_1k"][1], "ka_1k"),
                                              (f"{METRIC['ka_1k_p99'][1]} (ms)", "ka_1k_p99"))):
                r = statistics.median(v[i] for v in uring)
                row(f"{label}, the relay on io_uring", key, r, f"{r:.0f}" if i == 0 else f"{r:.2f}")
        firsts = [(t, v) for t, v in (("epoll", self.relay_first), ("io_uring", self.relay_first_uring)) if v]
        for transport, samples in firsts:
            r = statistics.median(samples)
            row(f"{METRIC['close_1k'][1]}, the relay reading first, on {transport}", "close_1k", r, f"{r:.0f}")
        if uring:
            L.append("")
            L.append("The rows on io_uring run (1) through the relay's io_uring listener (the one that reads first, "
                     "which makes no difference on a kept-alive connection), after a warm-up of (1) there, each "
                     "right after the two proxies' (1) in its round: the "
                     "floor under Ferry's (1) and its p99 on the transport Ferry runs on. Samples: "
                     + ", ".join(f"{rps:.0f} req/s with p99 {p99:.2f} ms" for rps, p99 in uring) + ".")
        if firsts:
            L.append("")
            L.append("In (2) the relay connects to nginx as soon as it accepts, while the client's request is still "
                     "on its way; an HTTP proxy cannot, since the request says where it goes. The last rows are (2) "
                     "through listeners of the same relay that read the client's first bytes and only then "
                     "connect (and send them on once connected), on epoll and on io_uring (with event loops made "
                     "as Ferry makes its own there; measured right after the two proxies' (2) in each round): "
                     "the floor under an HTTP proxy on this platform in (2). "
                     + " ".join(f"Samples on {t}: " + ", ".join(f"{v:.0f}" for v in samples) + "." for t, samples in firsts))
            L.append("")
            L.append("CPU time per request in (2), user + system, in µs (medians of the rounds): "
                     + "; ".join(f"the relay reading first on {t}, {self.cpu_cell(self.relay_first_cpu[t])}"
                                 for t, _ in firsts)
                     + f"; Ferry, {self.cpu_cell(self.http_cpu['ferry']['close_1k'])}"
                     + f"; HAProxy, {self.cpu_cell(self.http_cpu['haproxy']['close_1k'])}.")
        L.append("")
        return L

    def patched_table(self):
        """(2) through Ferry on Netty with the patch applied, each round beside the two proxies' (2)."""
        L = ["## Netty's address look-ups", "",
             "Netty's io_uring transport asks the kernel for addresses that HAProxy never asks for: for each "
             "connection accepted, three `getsockname` (two to learn whether the socket is IPv6, as "
             "`IoUringServerSocketChannel.newChildChannel` makes the socket's object twice, and one for its "
             "local address), and for each connection to a server two more (whether the socket it has just "
             "made IPv6 is IPv6; its local address) and a `getpeername` for the address it was told to "
             "connect to. `bench/lib/netty-addresses.diff` spares them: the family is passed down, an "
             "accepted socket's local address is its listener's when that is bound to one address, a "
             "connected socket's is asked for only when wanted, and the remote address is the one given "
             "when it was resolved. `bench/run` applies it to the sources of Netty "
             f"{self.netty_version or '(the version in pom.xml)'}, compiles the four files, and runs a "
             "third Ferry with them ahead of its jar (otherwise as `bin/ferry` runs it, warmed up and "
             "settled as Ferry is); its (2) is measured right after the two proxies' (2) in each round. "
             "CPU time per request is the process's user + system time, in µs.", ""]
        if not self.patched_close:
            why = self.netty_unpatched or "no measurement of it succeeded (see Notes)"
            L += [f"Not measured in this run: {why}.", ""]
            return L
        L += ["| round | Ferry, req/s | Ferry on patched Netty, req/s | HAProxy, req/s | Ferry/HAProxy "
              "| patched/HAProxy | Ferry, CPU µs | patched, CPU µs | HAProxy, CPU µs |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]

        def by_round(system):
            return {r: (v, c) for r, v, c in zip(self.sample_rounds[system]["close_1k"],
                                                   self.samples[system]["close_1k"],
                                                   self.http_cpu[system]["close_1k"])}
        ferry, haproxy = by_round("ferry"), by_round("haproxy")
        fh, ph = [], []
        for m in self.patched_close:
            f, h = ferry.get(m["round"]), haproxy.get(m["round"])
            cells = [f"{f[0]:.0f}" if f else "—", f"{m['rps']:.0f}", f"{h[0]:.0f}" if h else "—"]
            if f and h:
                fh.append(f[0] / h[0])
            if h:
                ph.append(m["rps"] / h[0])
            cells += [f"{f[0] / h[0]:.2f}" if f and h else "—", f"{m['rps'] / h[0]:.2f}" if h else "—"]
            cells += [f"{sum(x[1]):.1f}" if x else "—" for x in (f, (None, m["cpu"]), h)]
            L.append(f"| {m['round'] + 1} | " + " | ".join(cells) + " |")
        med = lambda v: f"{statistics.median(v):.2f}" if v else "—"
        L.append(f"| median | | | | {med(fh)} | {med(ph)} | | | |")
        L.append("")
        return L

    @staticmethod
    def cpu_cell(pairs):
        """'user + system' of the medians of (user, system) pairs, or a dash."""
        if not pairs:
            return "—"
        return f"{statistics.median(p[0] for p in pairs):.1f} + {statistics.median(p[1] for p in pairs):.1f}"

    def http_cpu_table(self):
        """The CPU time each process spent per request in (1) to (3), user and system apart."""
        L = ["## CPU time per request", "",
             "User and system CPU time of each process (with its children: nginx's worker, a launcher's JVM) "
             "over each measurement of (1) to (3), divided by the requests it served; medians of the rounds, "
             "in µs. On this shared host a 10 s window's speed can differ from the next one's, and the CPU "
             "time per request moves with it, less than the request rate does.", "",
             "| scenario | nginx direct | Netty relay | Ferry | HAProxy |", "|---|---:|---:|---:|---:|"]
        for key in HTTP_KEYS:
            cells = []
            for s in SYSTEMS:
                v = self.http_cpu[s][key]
                if v:
                    u = statistics.median(x[0] for x in v)
                    k = statistics.median(x[1] for x in v)
                    cells.append(f"{u:.1f} + {k:.1f}")
                else:
                    cells.append("—")
            L.append(f"| {METRIC[key][1]} | " + " | ".join(cells) + " |")
        L.append("")
        return L

    def machine_table(self):
        """What each measurement of (1) to (3) cost the rest of the machine, per request."""
        L = ["## The whole machine per request", "",
             "Over the same measurements: the processor time left idle on the machine (of /proc/stat), the "
             "CPU time of nginx (the origin) and of wrk, and how many times the threads of nginx, of wrk and "
             "of the process measured went to sleep (voluntary context switches), each divided by the "
             "requests served; medians of the rounds. Through a proxy every request is worked on by wrk, the "
             "proxy and nginx in turn on two cores: an origin woken twice for a request where once would "
             "do, or cores left idle while they wait on each other, cost requests as surely as the proxy's "
             "own CPU time does.", "",
             "| scenario | measured | idle, µs | nginx CPU, µs | wrk CPU, µs | nginx sleeps | wrk sleeps | measured sleeps |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
        for key in HTTP_KEYS:
            for s in SYSTEMS:
                v = self.machine[s][key]
                if not v:
                    continue
                m = {k: statistics.median(x[k] for x in v) for k in v[0]}
                origin = ("—", "—") if s == "nginx" else (f"{m['origin_cpu']:.1f}", f"{m['origin_sleeps']:.2f}")
                L.append(f"| {METRIC[key][1]} | {LABEL[s]} | {m['idle']:.1f} | {origin[0]} | {m['load_cpu']:.1f} "
                         f"| {origin[1]} | {m['load_sleeps']:.2f} | {m['sleeps']:.2f} |")
        L.append("")
        return L

    def ws_cpu_table(self):
        """The CPU time per round trip of (4), each proxy's and the WebSocket origin's beside it."""
        L = ["## CPU time per WebSocket round trip", "",
             "Over each measurement of (4): the proxy's user and system CPU time, and the WebSocket origin's "
             "(one Node process echoing every message, the same work whichever proxy is in front), divided "
             "by the round trips; medians of the rounds, in µs. The client, the origin and the proxy share "
             "the two cores, so the proxy's CPU time per round trip is time the other two do not get; and "
             "the origin's own, which the proxy does not change, moves with the speed of the host in that "
             "window. Their ratio compares the proxies with that speed taken out.", "",
             "| measured | proxy CPU, µs | origin CPU, µs | proxy / origin |", "|---|---:|---:|---:|"]
        for s in SYSTEMS:
            v = self.ws_cpu[s]
            if not v:
                continue
            u = statistics.median(x[0] for x in v)
            k = statistics.median(x[1] for x in v)
            o = statistics.median(x[2] for x in v)
            ratio = statistics.median((x[0] + x[1]) / x[2] for x in v if x[2] > 0) if any(x[2] > 0 for x in v) else None
            L.append(f"| {LABEL[s]} | {u:.1f} + {k:.1f} | {o:.1f} | " + ("—" if ratio is None else f"{ratio:.2f}") + " |")
        L.append("")
        return L

    def tunnel_table(self):
        """(5) through the relay copying and splicing, next to Ferry and HAProxy, with CPU per GB."""
        L = ["## Tunnels: copying and splicing", "",
             "(5) again, through the Netty relay copying each direction's bytes through the JVM, as Ferry "
             "does, and splicing them inside the kernel (the epoll transport's `spliceTo`, through a pipe "
             "per direction), next to Ferry and HAProxy, with the CPU time (user and system) each proxy "
             "spent per GB moved. The configuration turns no splicing on in HAProxy (`option splice-*`), "
             "as it is by default.", "",
             "| tunnels | " + " | ".join(TUNNEL_LABEL.values()) + " |",
             "|---|" + "---:|" * len(TUNNEL_LABEL)]
        for key, n in (("tcp_1", "1 tunnel"), ("tcp_10", "10 tunnels")):
            for i, what in ((0, "MB/s"), (1, "CPU s per GB")):
                cells = []
                for t in TUNNEL_LABEL:
                    v = [x[i] for x in self.tunnels[t][key]]
                    cells.append(("—" if not v else f"{statistics.median(v):.0f}" if i == 0
                                  else f"{statistics.median(v):.2f}"))
                L.append(f"| {n}, {what} | " + " | ".join(cells) + " |")
        L.append("")
        return L

    def svg(self):
        """Bars from 1.0 on a log2 axis: Ferry relative to HAProxy, oriented so that right of 1.0
        (green) means Ferry is better and left of it (red) means HAProxy is better."""
        import math
        rows = []
        for key, title, unit, higher, _ in METRICS:
            f, h, r = self.median("ferry", key), self.median("haproxy", key), self.ratio(key)
            if f is None or h is None or not r:
                why = "no result for Ferry" if f is None else ("no result for HAProxy" if h is None else "zero")
                rows.append((title, None, why))
            else:
                rows.append((title, r if higher else 1 / r, None))
        vals = [v for _, v, _ in rows if v is not None]
        span = min(4, max([1] + [math.ceil(abs(math.log2(v)) + 0.05) for v in vals]))
        left, width, bar_h, gap, top = 330, 440, 18, 8, 60
        height = top + len(rows) * (bar_h + gap) + 40
        total_w = left + width + 70
        mid = left + width / 2

        def x(v):
            l2 = max(-span, min(span, math.log2(v)))
            return mid + l2 / span * (width / 2)

        def label(k):
            return f"{2 ** k:g}" if k >= 0 else f"1/{2 ** -k:g}"

        esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{height}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{total_w}" height="{height}" fill="white"/>',
             f'<text x="10" y="20" font-size="14" font-weight="bold">Ferry relative to HAProxy '
             f'({esc(self.started.strftime("%Y-%m-%d %H:%M"))} UTC, {self.profile_name} run, median ratio of the rounds)</text>',
             '<text x="10" y="38" fill="#555">Ferry/HAProxy for rates and throughput, HAProxy/Ferry for '
             'latency, memory and start-up (log scale):</text>',
             '<text x="10" y="52" fill="#555">right of 1 (green) Ferry is better, left of 1 (red) HAProxy '
             'is better.</text>']
        for k in range(-span, span + 1):
            xv = x(2.0 ** k)
            o.append(f'<line x1="{xv:.1f}" y1="{top - 4}" x2="{xv:.1f}" y2="{height - 30}" '
                     f'stroke="{"#000" if k == 0 else "#e0e0e0"}" stroke-width="{2 if k == 0 else 1}"/>')
            o.append(f'<text x="{xv:.1f}" y="{height - 14}" text-anchor="middle" fill="#555">{label(k)}</text>')
        for i, (title, v, why) in enumerate(rows):
            y = top + i * (bar_h + gap)
            o.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{esc(title)}</text>')
            if v is None:
                o.append(f'<text x="{mid + 6:.1f}" y="{y + 13}" fill="#b00">{esc(why)}</text>')
                continue
            color = "#2a7" if v >= 1 else "#d64"
            x0, x1 = sorted((mid, x(v)))
            o.append(f'<rect x="{x0:.1f}" y="{y}" width="{max(1.0, x1 - x0):.1f}" height="{bar_h}" fill="{color}"/>')
            if v >= 1:
                o.append(f'<text x="{x1 + 4:.1f}" y="{y + 13}">{v:.2f}</text>')
            else:
                o.append(f'<text x="{x0 - 4:.1f}" y="{y + 13}" text-anchor="end">{v:.2f}</text>')
        o.append("</svg>")
        return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description="Ferry side by side with HAProxy and nginx")
    ap.add_argument("--quick", action="store_true", help="one short round with fewer connections")
    ap.add_argument("--rounds", type=int, help="override the number of rounds")
    ap.add_argument("--ferry-cmd", help=f"command that runs Ferry; CFG is replaced by the configuration "
                                        f"file (default: $FERRY_CMD or '{DEFAULT_FERRY_CMD}')")
    ap.add_argument("--out", default=os.path.join(BENCH, "results"), help="results directory")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory (logs, configs)")
    args = ap.parse_args()

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    b = Bench(args)
    status = 2
    try:
        log(f"{b.profile_name} run; load average {b.load_start}; temporary files in {b.tmp}")
        b.run()
        path = b.write(args.out)
        log(f"results: {os.path.relpath(path)}")
        print(open(path).read().split("![", 1)[0].rstrip(), flush=True)
        if b.haproxy_complete():
            status = 0
        else:
            log("HAProxy could not be measured in every scenario: exit status 1")
            status = 1
    except HarnessError as e:
        log(f"harness error: {e}")
    except KeyboardInterrupt as e:
        log(f"interrupted ({e})")
    finally:
        b.procs.stop_all()
        if args.keep_tmp:
            log(f"kept {b.tmp}")
        else:
            shutil.rmtree(b.tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
