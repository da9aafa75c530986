"""How fast the job queue moves small jobs through Redis (the figures in docs/jobs.md).

    TEST_REDIS_URL=redis://127.0.0.1:6379/15 python bench/jobs.py [N]

Enqueues N no-op jobs on a Huey queue in Redis, then drains them with one consumer
process of 4 threads, and reports enqueue and end-to-end rates.
"""

import os
import sys
import threading
import time

from huey import RedisHuey
from huey.consumer import Consumer

URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000

huey = RedisHuey(f"bench-{os.getpid()}", url=URL, results=False)
done = threading.Semaphore(0)


@huey.task()
def noop(n):
    done.release()


def main() -> None:
    huey.flush()
    start = time.perf_counter()
    for n in range(N):
        noop(n)
    enqueued = time.perf_counter() - start
    consumer = Consumer(huey, workers=4, worker_type="thread", periodic=False)
    for _, process in consumer.worker_threads:
        process.daemon = True
        process.start()
    start_drain = time.perf_counter()
    for _ in range(N):
        done.acquire()
    drained = time.perf_counter() - start_drain
    consumer.stop_flag.set()
    huey.flush()
    print(f"huey {N} jobs: enqueue {N / enqueued:,.0f}/s; run {N / drained:,.0f}/s "
          f"(1 process, 4 threads)")


if __name__ == "__main__":
    main()
