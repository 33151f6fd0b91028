"""The demo's live feed: with an MQTT broker configured, `domstadt demo run` starts an ingest
worker and the traffic simulator as child processes and stops them with the server."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys

STOP_WAIT = 10.0
COMMANDS = (
    ["sensors", "mqtt", "--no-writer-process"],
    ["sensors", "simulate", "--rate", "2"],
)
"""The child commands (``domstadt …``): ingest worker, then simulator (2 messages a second)."""


def interruptible() -> None:
    """In the child before exec: SIGINT back to its default, even when our shell started us
    in the background with SIGINT ignored, so the child's Ctrl-C handling runs on stop().
    The tests that stop commands with SIGINT start them with it too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class LiveFeed:
    """Ingest worker and simulator for ``mqtt_url`` (nothing when it is empty)."""

    def __init__(self, mqtt_url: str) -> None:
        self.mqtt_url = mqtt_url
        self.children: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Start the children (only with a broker configured)."""
        if not self.mqtt_url:
            return
        for args in COMMANDS:
            # own session: a Ctrl-C at the terminal reaches only us, and we stop them in order
            command = [sys.executable, "-m", "domstadt", *args]
            self.children.append(
                subprocess.Popen(command, start_new_session=True, preexec_fn=interruptible)
            )
        print(f"Live-Daten: Simulator und Empfang über {self.mqtt_url}.", flush=True)

    def stop(self) -> None:
        """Ask each child to stop (SIGINT, as Ctrl-C does), then wait; kill what hangs."""
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in self.children:
            try:
                child.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                child.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(STOP_WAIT)
        self.children = []
