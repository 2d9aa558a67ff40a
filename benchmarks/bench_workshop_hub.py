"""Load test of a real workshop on the documented JupyterHub: prints figures, asserts nothing.

    python benchmarks/bench_workshop_hub.py [--participants 30] [--passages 40] [--pace 2 5]

Starts deploy/jupyterhub/jupyterhub_config.py on 127.0.0.1 (in a temporary folder; the proxy comes
from PATH or is installed with npm into ~/.cache/narrative-workbench/chp), logs N participants in
through the hub's login form (name + session code), starts their servers through the hub's API, and
in each server a kernel that runs the participant's workshop page (join) and then codes passages at
a human pace (one every 2 to 5 s, with jitter), each through the kernel websocket as a notebook does.
Meanwhile this process is the facilitator: the live panel (``ws.monitor``) runs, and its data
function ``ws.progress()`` (what the panel shows: codings per participant) is polled every 0.25 s.

Prints: time until every server is ready; the median and p95 time from a coding written in a
participant's kernel (``p.code`` returned) to the facilitator's view counting it; codings lost
(written but never shown); the hub's and the proxy's peak resident memory. Targets (issue 14, 2 cores):
view <= 2 s at p95 with 30 participants, 0 lost. Bounded by --timeout; the hub, proxy, every server and
kernel are stopped at the end (SIGTERM to the hub, then a kill of any server left).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import scale_project  # noqa: E402, F401  (puts the measured workbench first: PYTHONPATH's, else this checkout's)

sys.path.insert(1, str(REPO / "tests" / "hub"))

from workbench.workshop import open_workshop  # noqa: E402

from hub_driver import Hub, code_cells  # noqa: E402

CODE = "load-test-30"
SETUP = """import random, time
_rng = random.Random({seed})
_ids = list(p.narratives["id"])
_lengths = {{i: len(p.text(i)) for i in _ids}}
_codes = [c for c in p.codebook.names]
print(len(_ids), len(_codes))"""
STEP = """_n = _rng.choice(_ids); _s = _rng.randrange(0, max(1, _lengths[_n] - 80))
_id = p.code(_n, _s, _s + _rng.randint(20, 80), _rng.choice(_codes), coder=me)
print(_id, repr(time.time()))"""


class Facilitator:
    """Polls ``ws.progress()`` and notes when each participant's k-th coding first shows."""

    def __init__(self, root: Path, every: float = 0.25) -> None:
        self.ws = open_workshop(CODE, root=root)
        self.every, self.stop = every, threading.Event()
        self.seen: dict[str, list[float]] = {}
        self.polls: list[float] = []
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.poll()

    def poll(self) -> None:
        start = time.monotonic()
        progress = self.ws.progress()
        now = time.time()
        self.polls.append(time.monotonic() - start)
        for name, count in progress["codings"].items():
            times = self.seen.setdefault(str(name), [])
            times.extend([now] * (int(count) - len(times)))


class Memory:
    """Samples the resident memory of the hub and of the proxy (its child) every half second."""

    def __init__(self, pid: int) -> None:
        self.hub = psutil.Process(pid)
        self.peak_hub = self.peak_proxy = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.5):
            try:
                self.peak_hub = max(self.peak_hub, self.hub.memory_info().rss)
                proxies = [c for c in self.hub.children() if "node" in c.name() or "proxy" in " ".join(c.cmdline())]
                self.peak_proxy = max([self.peak_proxy] + [c.memory_info().rss for c in proxies])
            except psutil.Error:
                return


def participant(hub: Hub, name: str, passages: int, pace: tuple[float, float], deadline: float,
                seed: int) -> tuple[list[float], list[str]]:
    """Join through the page and code *passages* passages; the times each coding was written, and errors."""
    written: list[float] = []
    errors: list[str] = []
    rng = random.Random(seed)
    try:
        parameters, join = code_cells(hub.contents(name, "workshop.ipynb"), 2)
        kernel = hub.kernel(name)
    except Exception as exc:  # noqa: BLE001 - a figure, not a crash
        return written, [f"{name}: could not start: {exc}"]
    try:
        kernel.run(parameters)
        kernel.run(join)
        kernel.run(SETUP.format(seed=seed))
        for _ in range(passages):
            time.sleep(rng.uniform(*pace))
            if time.monotonic() > deadline:
                errors.append(f"{name}: stopped by the time limit")
                break
            written.append(float(kernel.run(STEP).split()[-1]))
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{name}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}")
    finally:
        kernel.close()
    return written, errors


def start_everyone(hub: Hub, names: list[str], timeout: float) -> float:
    """Log everyone in through the form, start their servers at once; seconds until all are ready."""
    start = time.monotonic()
    for name in names:
        answer = hub.login(name)
        if answer.status_code != 302:
            raise RuntimeError(f"{name} could not log in: {answer.status_code}")
    with ThreadPoolExecutor(len(names)) as pool:
        list(pool.map(hub.start_server, names))
    hub.wait_ready(names, timeout=timeout)
    return time.monotonic() - start


def percentile(values: list[float], q: float) -> float:
    """The *q* quantile (0..1) of *values*, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--passages", type=int, default=40)
    parser.add_argument("--pace", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"))
    parser.add_argument("--timeout", type=float, default=1200, help="seconds for the whole run (default 1200)")
    args = parser.parse_args()
    names = [f"p{n:02d}" for n in range(1, args.participants + 1)]
    deadline = time.monotonic() + args.timeout
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as folder, \
            Hub(Path(folder) / "hub", code=CODE, name="Load test", stories="") as hub:
        memory = Memory(hub.hub_pid())
        memory.thread.start()
        ready = start_everyone(hub, names, timeout=max(60.0, deadline - time.monotonic()))
        print(f"{len(names)} participants: all servers ready {ready:.1f} s after the first login", flush=True)
        facilitator = Facilitator(hub.root)
        panel = facilitator.ws.monitor(every=2)
        facilitator.thread.start()
        started = time.monotonic()
        with ThreadPoolExecutor(len(names)) as pool:
            futures = [pool.submit(participant, hub, n, args.passages, tuple(args.pace), deadline, i)
                       for i, n in enumerate(names)]
            results = dict(zip(names, (f.result() for f in futures)))
        coding_time = time.monotonic() - started
        settle = time.monotonic() + 10
        while time.monotonic() < settle and any(len(facilitator.seen.get(n, [])) < len(results[n][0]) for n in names):
            time.sleep(0.25)
        facilitator.stop.set()
        facilitator.thread.join(timeout=30)
        panel.close()
        memory.stop.set()
        memory.thread.join(timeout=5)
        report(names, results, facilitator, memory, coding_time)
        print("stopping the hub, its proxy and every server ...", flush=True)
    print("stopped.")


def report(names: list[str], results: dict, facilitator: Facilitator, memory: Memory, coding_time: float) -> None:
    """Print the figures."""
    delays, lost, written_total = [], 0, 0
    for name in names:
        written, _ = results[name]
        seen = facilitator.seen.get(name, [])
        written_total += len(written)
        lost += max(0, len(written) - len(seen))
        delays += [shown - wrote for wrote, shown in zip(written, seen)]
    errors = [e for n in names for e in results[n][1]]
    print(f"codings written: {written_total} by {len(names)} participants in {coding_time:.0f} s")
    if delays:
        print(f"coding -> facilitator's view: median {statistics.median(delays):.2f} s, "
              f"p95 {percentile(delays, 0.95):.2f} s, max {max(delays):.2f} s "
              f"(view polled every {facilitator.every} s; one poll took median "
              f"{statistics.median(facilitator.polls) * 1000:.0f} ms, max {max(facilitator.polls) * 1000:.0f} ms)")
    print(f"codings lost: {lost}")
    print(f"peak resident memory: hub {memory.peak_hub / 2**20:.0f} MB, proxy {memory.peak_proxy / 2**20:.0f} MB")
    for error in errors[:10]:
        print("error:", error)
    if len(errors) > 10:
        print(f"... and {len(errors) - 10} more errors")


if __name__ == "__main__":
    main()
