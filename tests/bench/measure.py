"""What every benchmark section shares: a row of the table, timing, and child processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Row:
    """One figure of NewsGloss beside its baseline, measured in the same run.

    A floor is a ratio the NewsGloss figure must stay within (`max_ratio`, newsgloss / baseline),
    a value it must stay under (`max_value`, in `unit`), or a margin over the baseline
    (`max_over`, newsgloss - baseline, in `unit`); `peak_mb` is the peak resident memory of the
    process that did the work, where it ran alone, with `max_peak_mb` as its floor.
    """

    section: str
    what: str
    newsgloss: float
    baseline: float
    unit: str  # "ms", "s" or "MB"
    baseline_what: str = ""
    max_ratio: float | None = None
    max_value: float | None = None
    max_over: float | None = None
    peak_mb: float | None = None
    max_peak_mb: float | None = None

    @property
    def ratio(self) -> float:
        return self.newsgloss / self.baseline

    @property
    def floor(self) -> str:
        floors = []
        if self.max_ratio is not None:
            floors.append(f"<= {self.max_ratio:g}x")
        if self.max_value is not None:
            floors.append(f"<= {self.max_value:g} {self.unit}")
        if self.max_over is not None:
            floors.append(f"<= +{self.max_over:g} {self.unit}")
        if self.max_peak_mb is not None:
            floors.append(f"<= {self.max_peak_mb:g} MB")
        return ", ".join(floors)

    @property
    def missed(self) -> bool:
        return ((self.max_ratio is not None and self.ratio > self.max_ratio)
                or (self.max_value is not None and self.newsgloss > self.max_value)
                or (self.max_over is not None and self.newsgloss - self.baseline > self.max_over)
                or (self.max_peak_mb is not None and self.peak_mb is not None and self.peak_mb > self.max_peak_mb))

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "floor": self.floor, "missed": self.missed}


def seconds(action: Callable[..., object], repeat: int = 1, prepare: Callable[[], object] | None = None) -> float:
    """Median wall time of `action()` over `repeat` runs; with `prepare`, of `action(prepare())`,
    where `prepare()` runs untimed before each run."""
    times = []
    for _ in range(repeat):
        args = () if prepare is None else (prepare(),)
        start = time.perf_counter()
        action(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# Runs a module as `python -m` does and, when the process exits, writes its own peak resident
# memory (VmHWM, in kB) to a file. Not ru_maxrss from wait4: Linux keeps the memory of the
# process that forked a child in the child's ru_maxrss, so every child would show the parent's.
_RUN_AND_REPORT_PEAK = """
import atexit, runpy, sys
report, module = sys.argv[1], sys.argv[2]
del sys.argv[1:3]

def peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(report, "w") as out:
        out.write(kb)

atexit.register(peak)
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Child:
    seconds_to_line: float  # from starting the process to its first line of output
    peak_mb: float  # the child's own peak resident memory
    rest: str = ""  # what it printed after that line


def run_child(module: str, args: list[str], env: dict[str, str], expect: str, timeout: float = 120) -> Child:
    """Run `python -m MODULE ARGS` from the repository; time its first line of output (which must
    be `expect`), then wait for it to exit and read its peak memory. Killed after `timeout` s."""
    with tempfile.TemporaryDirectory() as folder:
        report, errors = Path(folder, "peak"), Path(folder, "stderr")
        with errors.open("wb") as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", _RUN_AND_REPORT_PEAK, str(report), module, *args],
                                    cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
            watchdog = threading.Timer(timeout, proc.kill)  # a modal dialog would wait for ever
            watchdog.start()
            line = proc.stdout.readline()
            elapsed = time.perf_counter() - start
            rest, _ = proc.communicate()
            watchdog.cancel()
        if proc.returncode != 0 or line.strip() != expect or not report.exists():
            raise RuntimeError(f"python -m {module} {' '.join(args)} printed {line.strip()!r}, not {expect!r} "
                               f"(exit status {proc.returncode}):\n{errors.read_text(errors='replace')[-2000:]}")
        return Child(elapsed, int(report.read_text()) / 1024, rest)


def child_env(home: Path) -> dict[str, str]:
    """The environment for a child: offscreen Qt, and home, data and settings folders of its own."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    env.pop("NEWSGLOSS_PROJECT", None)
    # Cached bytecode, as an installed app has: without it every start compiles every module again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
