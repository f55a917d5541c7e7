"""Run a function in a child process with a memory and a wall-clock limit, so that a runaway (an
uploaded file that makes a parser allocate gigabytes or spin) costs a child, never the web
worker, Celery worker or command that asked.

`run_isolated(function, *args, memory_mb=…, seconds=…)` returns what `function(*args)` returns,
or raises what it raises (an exception that pickles: the reader's `SpreadsheetError`), computed
in a child whose address space is capped with RLIMIT_AS. It raises `ChildOutOfMemory` when the
child ran out of that memory (a MemoryError, or the XML parser's "out of memory"), and
`ChildOutOfTime` when it did not answer in `seconds`: it is then killed. `ChildFailed` is a
child that died without an answer (killed by a signal, a crash in C code) or raised something
that does not pickle; the first two are told to the user, the last is a bug.

The child is forked from a `multiprocessing` fork server started once per process, which has
Django set up and the readers imported (core.isolation_preload), so a child costs a fork, not
an interpreter's start. A daemonic process (a Celery prefork worker's child) may not start
children with multiprocessing: there the child is a fresh interpreter started with subprocess
(`python -m core.isolation`), slower to start, which the background tasks can afford.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import resource
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# A fresh interpreter needs time to set Django up before its deadline starts to matter.
SUBPROCESS_STARTUP_SECONDS = 20.0
_OUT_OF_MEMORY_WORDS = ("out of memory", "no memory", "cannot allocate memory")
_ROOT = Path(__file__).resolve().parent.parent

_context_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


class ChildOutOfMemory(Exception):
    pass


class ChildOutOfTime(Exception):
    pass


class ChildFailed(Exception):
    """The child died without an answer (`crashed`) or its exception could not come back."""

    def __init__(self, detail: str, *, crashed: bool):
        super().__init__(detail)
        self.crashed = crashed


def run_isolated(function: Callable, *args: Any, memory_mb: int, seconds: float) -> Any:
    """`function(*args)` computed in a child limited to `memory_mb` of address space and
    `seconds` of wall-clock time. `function` and `args` must pickle (a module-level function)."""
    if multiprocessing.current_process().daemon:
        outcome = _run_in_subprocess(function, args, memory_mb, seconds)
    else:
        outcome = _run_forked(function, args, memory_mb, seconds)
    kind, value = outcome
    if kind == "ok":
        return value
    if kind == "raised":
        raise value
    if kind == "memory":
        raise ChildOutOfMemory(value)
    if kind == "time":
        raise ChildOutOfTime(value)
    raise ChildFailed(value, crashed=kind == "crashed")


# --- the parent's side ---------------------------------------------------------------------------


def _fork_server() -> multiprocessing.context.BaseContext:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["core.isolation_preload"])
            _context = context
        return _context


def _run_forked(function, args, memory_mb, seconds) -> tuple[str, Any]:
    context = _fork_server()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(function, args, memory_mb, sending), name="isolated-reader", daemon=True
    )
    try:
        process.start()
    finally:
        sending.close()
    try:
        if not receiving.poll(seconds):
            process.kill()
            return "time", f"no answer in {seconds:g} s"
        try:
            return receiving.recv()
        except (EOFError, OSError):
            process.join(5)
            return "crashed", f"exit code {process.exitcode}"
    finally:
        receiving.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()


def _run_in_subprocess(function, args, memory_mb, seconds) -> tuple[str, Any]:
    payload = pickle.dumps((function, args, memory_mb), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "core.isolation"],
            input=payload,
            capture_output=True,
            timeout=seconds + SUBPROCESS_STARTUP_SECONDS,
            cwd=_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run killed the child already.
        return "time", f"no answer in {seconds:g} s"
    if done.returncode or not done.stdout:
        return "crashed", f"exit code {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}"
    return pickle.loads(done.stdout)


# --- the child's side ----------------------------------------------------------------------------


def _limit_memory(memory_mb: int) -> None:
    cap = memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether `error`, or an exception it was raised from, is the memory running out."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, MemoryError):
            return True
        if any(word in str(error).lower() for word in _OUT_OF_MEMORY_WORDS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _outcome(function, args, memory_mb) -> tuple[str, Any]:
    try:
        _limit_memory(memory_mb)
        return "ok", function(*args)
    except BaseException as error:  # noqa: BLE001 (everything is reported to the parent)
        if _out_of_memory(error):
            return "memory", f"over {memory_mb} MB"
        try:
            error.__traceback__ = None
            pickle.loads(pickle.dumps(error))  # it must come back whole in the parent
        except Exception:  # noqa: BLE001 (an exception that cannot travel is told as text)
            return "error", "".join(traceback.format_exception(error))
        return "raised", error


def _child(function, args, memory_mb: int, sending: Connection) -> None:
    """A forked child: compute, send the outcome, leave."""
    outcome = _outcome(function, args, memory_mb)
    try:
        sending.send(outcome)
    except MemoryError:
        sending.send(("memory", f"over {memory_mb} MB"))
    except Exception:  # noqa: BLE001 (a value that does not pickle)
        sending.send(("error", traceback.format_exc()))
    finally:
        with contextlib.suppress(OSError):
            sending.close()


def _subprocess_main() -> None:
    """`python -m core.isolation`: the call on stdin, the outcome on stdout, both pickled."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
    import django  # noqa: PLC0415 (only the fresh interpreter sets Django up)

    django.setup()
    function, args, memory_mb = pickle.loads(sys.stdin.buffer.read())
    outcome = _outcome(function, args, memory_mb)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001
        data = pickle.dumps(("error", traceback.format_exc()))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _subprocess_main()
