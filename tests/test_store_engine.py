"""kg.store.engine: the engine process the endpoint runs queries in."""

from __future__ import annotations

import asyncio
import json
import os

from kg.store.engine import Engine

VALUES = " ".join(str(k) for k in range(100))
# a million rows of answer out of nothing: far more than a pipe and a stream reader's buffer hold
MILLION_ROWS = f"SELECT * WHERE {{ VALUES ?a {{ {VALUES} }} VALUES ?b {{ {VALUES} }} VALUES ?c {{ {VALUES} }} }}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_an_engine_whose_answer_nobody_reads_any_more_closes_at_once() -> None:
    """After a time-out the endpoint stops reading an answer and closes its engine: the close must not wait
    for a pipe nobody reads (it hung there, and the endpoint never got its engine back)."""

    async def run() -> tuple[int, bool]:
        engine = await Engine("-").start()
        request = {"query": MILLION_ROWS, "accept": "text/csv", "prefixes": {}, "union": True,
                   "default_graph": [], "named_graphs": []}
        engine.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        await engine.process.stdin.drain()
        assert len(await engine.process.stdout.read(1000)) > 0  # the answer is flowing
        await asyncio.sleep(0.5)  # the pipe and the reader's buffer fill up; the reader pauses
        pid = engine.pid
        try:
            await asyncio.wait_for(engine.close(), 10)
            closed = True
        except TimeoutError:
            closed = False
        return pid, closed

    pid, closed = asyncio.run(run())
    assert closed, "Engine.close() hung on a paused pipe"
    assert not _alive(pid)
