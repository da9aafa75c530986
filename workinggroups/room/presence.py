"""Who is in which group's room: one interface, kept in memory or in Redis.

A single portal process keeps presence in memory. Several processes behind a sticky
proxy (REDIS_URL set, Redis as the Socket.IO message queue) keep it in Redis, so that
every process sees the connections of all of them. `install(app)` picks the store once,
when the package is registered; everything else asks `current_presence()`.
"""

import contextlib
import threading
import uuid
from typing import Protocol

from flask import Flask, current_app

EXTENSION = "workinggroups.presence"


class PresenceStore(Protocol):
    """Connections (Socket.IO sids) present in each group's room, with their person."""

    def enter(self, slug: str, sid: str, user_id: int) -> None:
        """Put a connection in a room."""

    def leave(self, slug: str, sid: str) -> None:
        """Take a connection (of any process) out of one room."""

    def leave_all(self, sid: str) -> list[str]:
        """Take a connection of this process out of every room; the slugs it was in."""

    def connections(self, slug: str) -> dict[str, int]:
        """sid -> user id of everyone in the room."""

    def is_in(self, slug: str, sid: str) -> bool:
        """Whether the connection is in the room."""


class MemoryPresence:
    """Presence of one process, in its memory: slug -> {sid: user id}."""

    def __init__(self) -> None:
        self._rooms: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def enter(self, slug: str, sid: str, user_id: int) -> None:
        with self._lock:
            self._rooms.setdefault(slug, {})[sid] = user_id

    def leave(self, slug: str, sid: str) -> None:
        with self._lock:
            self._rooms.get(slug, {}).pop(sid, None)

    def leave_all(self, sid: str) -> list[str]:
        with self._lock:
            return [slug for slug, members in self._rooms.items()
                    if members.pop(sid, None) is not None]

    def connections(self, slug: str) -> dict[str, int]:
        with self._lock:
            return dict(self._rooms.get(slug, {}))

    def is_in(self, slug: str, sid: str) -> bool:
        with self._lock:
            return sid in self._rooms.get(slug, {})


class RedisPresence:
    """Presence shared by every process through Redis.

    Layout: a hash per room, `<prefix>room:<slug>`, field sid -> "<user id> <process id>";
    and a key per live process, `<prefix>process:<process id>`, that expires after `ttl`
    seconds unless a heartbeat thread renews it every `interval` seconds.

    Why a key per process rather than an expiry per entry: Redis 7.0 cannot expire
    single hash fields, and a process that dies (killed, out of memory, machine lost)
    never runs its disconnect handlers. With a key per process, its entries simply stop
    counting once its key expires: readers ignore entries whose process key is gone and
    delete them as they go. A live process renews one key, however many people it
    serves, and nothing ever has to sweep. Entries of a graceful disconnect are removed
    at once; a dead process's ghosts vanish within `ttl` seconds.

    The process remembers which rooms its own connections are in, so that a disconnect
    (always seen by the process that held the connection) removes them from each room.
    Redis losing its data (restart without persistence) empties the rooms until people
    join again; the next join or page load shows them.
    """

    def __init__(self, url: str, *, prefix: str = "portal:presence:", ttl: int = 30,
                 interval: float = 10) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self.ttl = ttl
        self.interval = interval
        self.process = uuid.uuid4().hex
        self._mine: dict[str, set[str]] = {}  # sid -> slugs, this process's connections
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beating: threading.Thread | None = None

    def _room(self, slug: str) -> str:
        return f"{self.prefix}room:{slug}"

    def _process_key(self, process: str) -> str:
        return f"{self.prefix}process:{process}"

    def heartbeat(self) -> None:
        """Say this process is alive for another `ttl` seconds."""
        self.redis.set(self._process_key(self.process), "1", ex=self.ttl)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            # Redis away for a moment: beat again next time.
            with contextlib.suppress(Exception):
                self.heartbeat()

    def _ensure_beating(self) -> None:
        with self._lock:
            if self._beating is None:
                self._beating = threading.Thread(target=self._beat, daemon=True,
                                                 name="presence-heartbeat")
                self._beating.start()

    def close(self) -> None:
        """Stop the heartbeat (this process's entries then lapse after `ttl`)."""
        self._stop.set()

    def enter(self, slug: str, sid: str, user_id: int) -> None:
        self.heartbeat()
        self._ensure_beating()
        self.redis.hset(self._room(slug), sid, f"{user_id} {self.process}")
        with self._lock:
            self._mine.setdefault(sid, set()).add(slug)

    def leave(self, slug: str, sid: str) -> None:
        self.redis.hdel(self._room(slug), sid)
        with self._lock:
            self._mine.get(sid, set()).discard(slug)

    def leave_all(self, sid: str) -> list[str]:
        with self._lock:
            slugs = sorted(self._mine.pop(sid, set()))
        if not slugs:
            return []
        pipe = self.redis.pipeline()
        for slug in slugs:
            pipe.hdel(self._room(slug), sid)
        removed = pipe.execute()
        return [slug for slug, n in zip(slugs, removed, strict=True) if n]

    def connections(self, slug: str) -> dict[str, int]:
        entries = {}
        for sid, value in self.redis.hgetall(self._room(slug)).items():
            user_id, _, process = value.partition(" ")
            entries[sid] = (int(user_id), process)
        processes = sorted({process for _uid, process in entries.values()})
        if not processes:
            return {}
        alive = {p for p, flag in zip(processes, self.redis.mget(
            [self._process_key(p) for p in processes]), strict=True) if flag}
        dead = [sid for sid, (_uid, process) in entries.items() if process not in alive]
        if dead:
            self.redis.hdel(self._room(slug), *dead)
        return {sid: uid for sid, (uid, process) in entries.items() if process in alive}

    def is_in(self, slug: str, sid: str) -> bool:
        return bool(self.redis.hexists(self._room(slug), sid))


def install(app: Flask) -> None:
    """Give the app its presence store: in Redis when REDIS_URL is set, else in memory."""
    url = app.config.get("REDIS_URL")
    app.extensions[EXTENSION] = (
        RedisPresence(url, prefix=f"{app.config['REDIS_NAMESPACE']}:presence:") if url
        else MemoryPresence())


def current_presence() -> PresenceStore:
    """The current app's presence store."""
    return current_app.extensions[EXTENSION]
