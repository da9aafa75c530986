"""Racing requests: each call runs in its own thread (its own app context and session), all
released at once by a barrier, so they read the same state before any of them writes."""

import contextlib
import threading
from collections.abc import Callable
from typing import Any


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the calls at the same moment; their answers in the order given."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            answers[i] = call()
        except BaseException as error:  # noqa: BLE001  (re-raised in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if errors:
        raise errors[0]
    return answers


def codes(answers) -> list[int]:
    """The status codes of the answers, sorted."""
    return sorted(r.status_code for r in answers)


def meet_before(monkeypatch, module, *names: str, parties: int = 2, wait: float = 10) -> None:
    """Make the functions `module.<names>` wait until `parties` callers reached any of them,
    so every racing request has read the object (the view loads it first) before any of
    them writes."""
    barrier = threading.Barrier(parties)
    for name in names:
        original = getattr(module, name)

        def waiting(*args, _original=original, **kwargs):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(wait)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, waiting)
