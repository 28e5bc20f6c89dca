"""The load test's client (``benchmarks.scale`` runs locust headless with it): each user
asks for ``BENCH_PATHS`` (comma-separated, in turn) with ``BENCH_TOKEN``, no pause."""

import itertools
import os

from locust import FastHttpUser, constant, task

PATHS = os.environ["BENCH_PATHS"].split(",")
HEADERS = {"Authorization": f"Token {os.environ['BENCH_TOKEN']}"}


class Client(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.paths = itertools.cycle(PATHS)

    @task
    def get(self) -> None:
        path = next(self.paths)
        self.client.get(path, headers=HEADERS, name=path.split("?")[0].rstrip("/0123456789"))
