"""How long the event loop was held: the one figure that says whether a request can freeze the
service for every other tenant.

A timer wakes every `INTERVAL` seconds and reads two clocks: the wall clock (how late it woke)
and the loop thread's CPU clock (how much of that the loop itself spent computing). Lateness alone
also counts the time the operating system gave other processes; CPU time between two wakes is work
done on the loop, in callbacks that ran before the timer could — a pattern backtracking over a long
value, a parse with no limit. Both maxima go to /metrics, the CPU one as the figure the tests
hold under 100 ms while the service is attacked.
"""

from __future__ import annotations

import asyncio
import time

INTERVAL = 0.02


class LoopWatch:
    def __init__(self) -> None:
        self.lag_max = 0.0  # seconds the timer woke late, the most seen
        self.held_max = 0.0  # seconds of the loop thread's CPU between two wakes, the most seen
        self.held_over_100ms = 0  # wakes that found the loop had computed for more than 100 ms

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() + INTERVAL
        cpu = time.thread_time()
        while True:
            await asyncio.sleep(max(0.0, due - loop.time()))
            now, cpu_now = loop.time(), time.thread_time()
            lag, held = max(0.0, now - due), cpu_now - cpu
            self.lag_max = max(self.lag_max, lag)
            self.held_max = max(self.held_max, held)
            if held > 0.1:
                self.held_over_100ms += 1
            due, cpu = now + INTERVAL, cpu_now

    def render(self) -> list[str]:
        return [
            "# HELP pos_event_loop_lag_max_seconds The longest the event loop's timer woke late "
            "since start (its own work and the machine's other processes).",
            "# TYPE pos_event_loop_lag_max_seconds gauge",
            f"pos_event_loop_lag_max_seconds {self.lag_max:.6f}",
            "# HELP pos_event_loop_held_max_seconds The most CPU time the event loop's thread "
            f"spent between two {int(INTERVAL * 1000)} ms wakes since start: work that held "
            "every other request.",
            "# TYPE pos_event_loop_held_max_seconds gauge",
            f"pos_event_loop_held_max_seconds {self.held_max:.6f}",
            "# HELP pos_event_loop_held_total Wakes that found the loop had computed for more "
            "than 100 ms since the one before.",
            "# TYPE pos_event_loop_held_total counter",
            f"pos_event_loop_held_total {self.held_over_100ms}",
        ]
