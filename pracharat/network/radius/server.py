"""Asyncio RADIUS accounting server core (RFC 2866), independent of Django.

The caller supplies two callables:

* ``lookup_secret(nas_ip, nas_identifier) -> bytes | None``: the shared secret for the
  NAS. RFC 2865 §3 selects the secret by the packet's *source* IP address, which is what
  ``nas_ip`` is; NAS-Identifier is passed along for deployments that need it. It runs on
  the event loop, so it must be quick (an in-memory table); results are cached for
  ``ServerConfig.secret_cache_ttl`` seconds anyway.
* ``handle(batch)``: a plain function that persists a list of verified
  :class:`AccountingRequest`. It runs in one of the writer threads (each can keep a database
  connection of its own). It must be idempotent per ``session_key`` and status, because a NAS
  that got no answer retransmits and a failed batch is retried that way.

Flow, on the event loop: decode -> drop malformed / non-accounting -> answer retransmissions
from a reply cache -> look up the secret -> verify the Request Authenticator -> queue. Writer
threads (``ServerConfig.workers`` of them) drain the queue in batches (group commit: what is
queued, up to ``max_batch`` requests, waiting ``max_delay`` seconds for more), call ``handle``
once per batch, and only after it returns send each Accounting-Response themselves. RFC 2866
§2 makes the response the NAS's proof that the record is stored; answering earlier could lose
accounting data. If ``handle`` fails, nothing is answered and the NAS's retransmission gets
another chance.

Logs name the NAS source address but never user names or station ids (PDPA).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import signal
import socket
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .dictionary import NAS_IDENTIFIER, Code
from .packet import (
    MalformedPacket,
    Packet,
    accounting_response,
    decode,
    status_response,
    verify_decoded_request,
    verify_status_server,
)
from .session_key import acct_unique_session_id

logger = logging.getLogger(__name__)

#: Source address, identifier and authenticator: what a retransmission repeats
#: (RFC 2865 §3 "Identifier"; RFC 5080 §2.2.2 duplicate detection).
DedupeKey = tuple[str, int, int, bytes]


@dataclass(frozen=True, slots=True)
class AccountingRequest:
    """A verified Accounting-Request, as handed to the persistence callable."""

    packet: Packet
    source: tuple[str, int]
    received_at: datetime
    session_key: str  # FreeRADIUS-compatible Acct-Unique-Session-Id
    raw: bytes = field(repr=False)

    @property
    def nas_ip(self) -> str:
        """The UDP source address, which RFC 2865 §3 uses to identify the NAS."""
        return self.source[0]

    @property
    def status_type(self) -> int | None:
        """Acct-Status-Type (RFC 2866 §5.1)."""
        return self.packet.status_type


LookupSecret = Callable[[str, str | None], bytes | None]
Handler = Callable[[list[AccountingRequest]], None]


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Tuning knobs; the defaults suit a few thousand village access points."""

    max_batch: int = 200  # requests per handle() call
    # Writer threads: batches being stored at once. One: while it waits for the database the
    # event loop reads and verifies the next batch anyway, and on 2 cores a second writer made
    # the batches smaller and each packet dearer than the overlap of two commits won (on
    # PostgreSQL too; docs/benchmarks.md). SQLite has a single writer anyway.
    workers: int = 1
    # Seconds the first request of a batch may wait for company. 0: a free writer takes
    # whatever is queued at once (with fewer requests in flight than a batch, any fixed wait
    # is pure latency; under load the queue fills while the writers commit anyway).
    max_delay: float = 0.0
    dedupe_window: float = 30.0  # seconds a sent response is kept for retransmissions
    dedupe_max_entries: int = 100_000
    queue_size: int = 10_000  # verified requests waiting; beyond this we drop (NAS retries)
    secret_cache_ttl: float = 30.0  # 0 disables caching of lookup_secret results
    stop_timeout: float = 10.0  # seconds stop() waits for queued requests to be stored
    drop_log_interval: float = 60.0  # one WARNING per (reason, NAS) per interval


@dataclass(slots=True)
class ServerStats:
    """Counters since start; every received datagram ends in exactly one outcome below."""

    received: int = 0
    accepted: int = 0  # verified and queued
    duplicates_answered: int = 0  # retransmission answered from the reply cache
    duplicates_in_flight: int = 0  # retransmission of a request still being stored
    malformed: int = 0
    unsupported_code: int = 0  # not an Accounting-Request
    status_answered: int = 0  # Status-Server (RFC 5997) answered
    unknown_nas: int = 0
    bad_authenticator: int = 0
    overloaded: int = 0  # queue full
    shutting_down: int = 0
    internal_errors: int = 0
    # Outcomes of accepted requests.
    answered: int = 0
    batches: int = 0
    handler_errors: int = 0  # failed batches (their requests are not answered)
    lookup_errors: int = 0  # lookup_secret raised; counted under unknown_nas too

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


class _Pending(tuple):
    """A verified request waiting to be stored: (request, secret, dedupe key). A tuple, made
    once per packet on the hot path."""

    __slots__ = ()
    request = property(lambda self: self[0])
    secret = property(lambda self: self[1])
    key = property(lambda self: self[2])


#: Datagrams read per wakeup at most (then the loop runs its other callbacks).
READ_BURST = 256
#: The receive buffer: RADIUS packets are at most 4,096 octets (RFC 2865 §3); the octets of a
#: longer datagram past that are padding beyond any valid Length anyway.
RECEIVE_SIZE = 8192


class _ReplyCache:
    """Responses already sent, kept ``window`` seconds so retransmissions get the same one.

    Entries are inserted with a fixed lifetime, so insertion order is expiry order and
    expiring is popping from the front.
    """

    def __init__(self, window: float, max_entries: int) -> None:
        self._window = window
        self._max_entries = max_entries
        self._entries: OrderedDict[DedupeKey, tuple[float, bytes]] = OrderedDict()

    def get(self, key: DedupeKey, now: float) -> bytes | None:
        self._expire(now)
        entry = self._entries.get(key)
        return entry[1] if entry else None

    def put(self, key: DedupeKey, response: bytes, now: float) -> None:
        self._entries[key] = (now + self._window, response)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def _expire(self, now: float) -> None:
        while self._entries:
            expires, _ = next(iter(self._entries.values()))
            if expires > now:
                break
            self._entries.popitem(last=False)


class AccountingServer:
    """RFC 2866 accounting server with batching and duplicate detection.

    The event loop reads the socket and verifies; writer threads store and answer. They share
    the queue, the in-flight set, the reply cache and the answer counters under ``_lock``.
    """

    def __init__(
        self,
        lookup_secret: LookupSecret,
        handle: Handler,
        config: ServerConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or ServerConfig()
        self.stats = ServerStats()
        if inspect.iscoroutinefunction(handle) or inspect.iscoroutinefunction(
            type(handle).__call__
        ):
            raise TypeError("handle must be a plain function: it runs in the writer threads")
        self._lookup_secret = lookup_secret
        self._handle = handle
        self._clock = clock
        self._replies = _ReplyCache(self.config.dedupe_window, self.config.dedupe_max_entries)
        self._in_flight: set[DedupeKey] = set()
        self._secrets: dict[tuple[str, str | None], tuple[float, bytes | None]] = {}
        self._last_drop_log: dict[tuple[str, str], float] = {}
        # Verified requests waiting for a writer thread; _ready wakes one.
        self._queue: deque[_Pending] = deque()
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._threads_stop = False  # writers return once the queue is empty
        self._sock: socket.socket | None = None
        self._unsent: deque[tuple[bytes, tuple[str, int]]] = deque()  # socket buffer was full
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self.on_writer_exit: Callable[[], None] | None = None  # runs in each writer thread

    # -- lifecycle ------------------------------------------------------------------------

    async def start(
        self, host: str = "127.0.0.1", port: int = 1813, *, reuse_port: bool = False
    ) -> tuple[str, int]:
        """Bind the UDP socket and start the writer threads; return the bound address.
        ``reuse_port``: SO_REUSEPORT, so several processes share the port (the kernel spreads
        the datagrams over them by source address and port)."""
        loop = self._loop = asyncio.get_running_loop()
        # A plain non-blocking socket read in a loop (every datagram that is ready, per
        # wakeup) rather than asyncio's datagram transport, which costs a pass of the event
        # loop per datagram: under load that pass was a good part of a packet's CPU.
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        family, _, proto, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_DGRAM, proto)
        try:
            if reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.setblocking(False)
            sock.bind(address)
        except OSError:
            sock.close()
            raise
        self._sock = sock
        loop.add_reader(sock.fileno(), self._read_ready)
        self._threads = [
            threading.Thread(target=self._thread_writer, name=f"radius-writer-{n}", daemon=True)
            for n in range(max(1, self.config.workers))
        ]
        for thread in self._threads:
            thread.start()
        logger.info("RADIUS accounting listening on %s:%d", *self.address)
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        if self._sock is None:
            raise RuntimeError("server is not started")
        host, port = self._sock.getsockname()[:2]
        return host, port

    async def stop(self) -> None:
        """Stop accepting packets, store and answer what is queued, then close.

        Every writer is told at once and they are joined against one deadline,
        ``stop_timeout`` seconds away; requests still queued then are dropped unanswered (a
        batch still being stored is answered if it completes), so their NAS will retransmit
        them to whichever server comes back.
        """
        if self._closing:
            return
        self._closing = True
        with self._ready:
            self._threads_stop = True
            self._ready.notify_all()
        loop = asyncio.get_running_loop()
        stuck = await loop.run_in_executor(None, self._join_writers, self.config.stop_timeout)
        if stuck:
            with self._lock:
                dropped = len(self._queue)
                for pending in self._queue:
                    self._in_flight.discard(pending[2])
                self._queue.clear()
            logger.warning(
                "stopping with %d writers still storing and %d accounting requests unstored",
                stuck,
                dropped,
            )
        if self._sock is not None and self._loop is not None:
            self._loop.remove_reader(self._sock.fileno())
            if self._unsent:
                self._loop.remove_writer(self._sock.fileno())
            self._sock.close()
        logger.info("RADIUS accounting stopped: %s", self.stats.as_dict())

    def _join_writers(self, timeout: float) -> int:
        """Join every writer thread before one shared deadline; the number still running."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return sum(thread.is_alive() for thread in self._threads)

    def forget_secrets(self) -> None:
        """Drop cached ``lookup_secret`` results, e.g. after a NAS secret changed."""
        self._secrets.clear()

    # -- receive path (event loop) --------------------------------------------------------

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.stats.received += 1
        try:
            self._receive(data, (addr[0], addr[1]))  # IPv6 addresses carry 4 fields
        except Exception:
            # Nothing a single datagram contains may stop the server.
            with self._lock:  # writer threads count them too
                self.stats.internal_errors += 1
            logger.exception("unexpected error handling a datagram from %s", addr[0])

    def error_received(self, exc: Exception) -> None:
        # ICMP errors from earlier sendto() calls, e.g. a NAS that went away.
        logger.debug("UDP error: %s", exc)

    def _read_ready(self) -> None:
        """Every datagram waiting on the socket (up to READ_BURST), one after the other."""
        sock = self._sock
        if sock is None:
            return
        recvfrom = sock.recvfrom
        received = self.datagram_received
        for _ in range(READ_BURST):
            try:
                data, addr = recvfrom(RECEIVE_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self.error_received(exc)
                continue
            received(data, addr)

    def _receive(self, data: bytes, source: tuple[str, int]) -> None:
        host, port = source
        if self._closing:
            self.stats.shutting_down += 1
            return
        try:
            packet = decode(data)
        except MalformedPacket as exc:
            self.stats.malformed += 1
            self._log_drop("malformed", host, exc.reason)
            return
        if packet.code == Code.STATUS_SERVER:
            self._status(packet, host, source)
            return
        if packet.code != Code.ACCOUNTING_REQUEST:
            self.stats.unsupported_code += 1
            self._log_drop("unsupported code", host, f"code {packet.code}")
            return

        now = self._clock()
        key: DedupeKey = (host, port, packet.identifier, packet.authenticator)
        with self._lock:
            cached = self._replies.get(key, now)
            in_flight = key in self._in_flight
        if cached is not None:
            self.stats.duplicates_answered += 1
            self._send(cached, source)
            return
        if in_flight:
            self.stats.duplicates_in_flight += 1
            return

        raw_identifier = packet.first.get(NAS_IDENTIFIER)
        nas_identifier = (
            raw_identifier.decode("utf-8", "replace") if raw_identifier is not None else None
        )
        secret = self._secret_for(host, nas_identifier)
        if not secret:
            self.stats.unknown_nas += 1
            self._log_drop("unknown NAS", host, f"NAS-Identifier {nas_identifier!r}")
            return
        if not verify_decoded_request(packet, data, secret):
            self.stats.bad_authenticator += 1
            self._log_drop("bad authenticator", host, "shared secret mismatch?")
            return

        if len(self._queue) >= self.config.queue_size:
            self.stats.overloaded += 1
            self._log_drop("overloaded", host, f"{len(self._queue)} requests queued")
            return
        length = (data[2] << 8) | data[3]
        request = AccountingRequest(
            packet,
            source,
            datetime.now(UTC),
            acct_unique_session_id(packet),
            data if len(data) == length else bytes(data[:length]),
        )
        with self._lock:
            self._queue.append(_Pending((request, secret, key)))
            self._in_flight.add(key)
            self._ready.notify()
        self.stats.accepted += 1

    def _status(self, packet: Packet, host: str, source: tuple[str, int]) -> None:
        """RFC 5997: answered at once from the event loop (it asks whether this server is alive,
        not whether the database is), never through the reply cache (§3: not a duplicate of
        anything); one without a valid Message-Authenticator is silently discarded."""
        nas_identifier = packet.get("NAS-Identifier")
        secret = self._secret_for(host, nas_identifier if isinstance(nas_identifier, str) else None)
        if not secret:
            self.stats.unknown_nas += 1
            self._log_drop("unknown NAS", host, "Status-Server")
            return
        if not verify_status_server(packet, secret):
            self.stats.bad_authenticator += 1
            self._log_drop(
                "bad authenticator", host, "Status-Server without a valid Message-Authenticator"
            )
            return
        # Counted before it leaves, as every answer is: whoever got it may read the counters.
        self.stats.status_answered += 1
        self._send(status_response(packet, secret), source)

    def _secret_for(self, host: str, nas_identifier: str | None) -> bytes | None:
        cache_key = (host, nas_identifier)
        now = self._clock()
        cached = self._secrets.get(cache_key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            secret = self._lookup_secret(host, nas_identifier)
        except Exception:
            self.stats.lookup_errors += 1
            logger.exception("lookup_secret failed for %s", host)
            return None
        if self.config.secret_cache_ttl > 0:
            if len(self._secrets) >= 10_000:  # spoofed sources must not grow this forever
                self._secrets.clear()
            self._secrets[cache_key] = (now + self.config.secret_cache_ttl, secret)
        return secret

    def _send(self, response: bytes, destination: tuple[str, int]) -> None:
        sock = self._sock
        if sock is None:
            return
        if self._unsent:  # keep the order: after what is already waiting
            self._unsent.append((response, destination))
            return
        try:
            sock.sendto(response, destination)
        except (BlockingIOError, InterruptedError):
            self._unsent.append((response, destination))
            if self._loop is not None:
                self._loop.add_writer(sock.fileno(), self._write_ready)
        except OSError as exc:
            self.error_received(exc)

    def _write_ready(self) -> None:
        """The socket's send buffer has room again: send what waited (UDP rarely needs this)."""
        sock = self._sock
        while self._unsent and sock is not None:
            response, destination = self._unsent[0]
            try:
                sock.sendto(response, destination)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self.error_received(exc)
            self._unsent.popleft()
        if sock is not None and self._loop is not None:
            self._loop.remove_writer(sock.fileno())

    def _log_drop(self, reason: str, host: str, detail: str) -> None:
        """Log drops, at most one WARNING per reason and NAS per interval (floods happen)."""
        now = self._clock()
        last = self._last_drop_log.get((reason, host))
        if last is None or now - last >= self.config.drop_log_interval:
            if len(self._last_drop_log) >= 10_000:
                self._last_drop_log.clear()
            self._last_drop_log[(reason, host)] = now
            logger.warning("dropped RADIUS packet from %s: %s (%s)", host, reason, detail)
        else:
            logger.debug("dropped RADIUS packet from %s: %s (%s)", host, reason, detail)

    # -- writer threads -------------------------------------------------------------------

    def _thread_writer(self) -> None:
        try:
            while True:
                with self._ready:
                    while not self._queue and not self._threads_stop:
                        self._ready.wait()
                    if not self._queue:
                        return  # stopping, and nothing left
                    batch: list[_Pending] = []
                    self._take(batch)
                    if self.config.max_delay > 0:
                        deadline = time.monotonic() + self.config.max_delay
                        while len(batch) < self.config.max_batch and not self._closing:
                            remaining = deadline - time.monotonic()
                            if remaining <= 0:
                                break
                            if not self._queue:
                                self._ready.wait(remaining)
                            self._take(batch)
                    if self._queue:  # more than one batch's worth: for another writer
                        self._ready.notify()
                try:
                    self._store_and_answer(batch)
                except Exception:
                    with self._lock:  # the event loop's thread counts them too
                        self.stats.internal_errors += 1
                    logger.exception("unexpected error committing a batch")
                finally:
                    with self._lock:
                        discard = self._in_flight.discard
                        for pending in batch:
                            discard(pending[2])
        finally:
            if self.on_writer_exit is not None:
                try:
                    self.on_writer_exit()
                except Exception:
                    logger.exception("writer clean-up failed")

    def _take(self, batch: list[_Pending]) -> None:
        queue, room = self._queue, self.config.max_batch - len(batch)
        while queue and room > 0:
            batch.append(queue.popleft())
            room -= 1

    def _store_and_answer(self, batch: list[_Pending]) -> None:
        """In a writer thread: store the batch, then answer it from this thread (the socket is
        thread-safe; a full send buffer hands the answer to the event loop)."""
        try:
            self._handle([pending[0] for pending in batch])
        except Exception:
            with self._lock:
                self.stats.handler_errors += 1
            logger.exception(
                "accounting handler failed; %d requests left unanswered for retransmission",
                len(batch),
            )
            return
        now = self._clock()
        answers = [
            (key, accounting_response(request.packet, secret), request.source)
            for request, secret, key in batch
        ]
        # Into the reply cache before the first answer leaves, so that a retransmission
        # crossing it is answered from the cache, not taken for one still being stored.
        with self._lock:
            put, discard = self._replies.put, self._in_flight.discard
            for key, response, _ in answers:
                put(key, response, now)
                discard(key)
            self.stats.batches += 1
            self.stats.answered += len(batch)
        sock, loop = self._sock, self._loop
        for _, response, source in answers:
            try:
                if sock is None:
                    raise BlockingIOError
                sock.sendto(response, source)
            except (BlockingIOError, InterruptedError):
                if loop is not None:
                    loop.call_soon_threadsafe(self._send, response, source)
            except OSError as exc:
                self.error_received(exc)


async def serve(
    host: str = "127.0.0.1",
    port: int = 1813,
    *,
    lookup_secret: LookupSecret,
    handle: Handler,
    config: ServerConfig | None = None,
    stop_event: asyncio.Event | None = None,
    on_started: Callable[[AccountingServer], None] | None = None,
) -> ServerStats:
    """Run an accounting server until ``stop_event`` is set or SIGINT/SIGTERM arrives.

    Stops gracefully (see :meth:`AccountingServer.stop`) and returns the final counters.
    ``on_started`` receives the running server, e.g. to report the bound port.
    """
    server = AccountingServer(lookup_secret, handle, config)
    await server.start(host, port)
    stop = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or not a Unix loop: rely on stop_event
    try:
        if on_started is not None:
            on_started(server)
        await stop.wait()
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
        await server.stop()
    return server.stats
