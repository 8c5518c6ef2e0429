"""The asyncio accounting server on 127.0.0.1 with real UDP packets (no Django, no DB)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC
from typing import Any

import pytest

from pracharat.network.radius.packet import (
    decode,
    encode_accounting_request,
    encode_packet,
    verify_accounting_response,
)
from pracharat.network.radius.server import (
    AccountingRequest,
    AccountingServer,
    ServerConfig,
    ServerStats,
    serve,
)
from pracharat.network.radius.session_key import acct_unique_session_id

SECRET = b"village-secret"
RADCLIENT = shutil.which("radclient")


def lookup(nas_ip: str, nas_identifier: str | None) -> bytes | None:
    assert nas_ip == "127.0.0.1"
    return None if nas_identifier == "unknown-nas" else SECRET


class Recorder:
    """A sync ``handle`` that records batches; can be made to block or fail."""

    def __init__(self) -> None:
        self.batches: list[list[AccountingRequest]] = []
        self.gate: threading.Event | None = None
        self.fail = False

    def __call__(self, batch: list[AccountingRequest]) -> None:
        if self.gate is not None:
            self.gate.wait(timeout=5)
        if self.fail:
            raise RuntimeError("database is down")
        self.batches.append(list(batch))

    @property
    def requests(self) -> list[AccountingRequest]:
        return [request for batch in self.batches for request in batch]


class Client(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.responses: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.responses.put_nowait(data)

    async def response(self, timeout: float = 2.0) -> bytes:
        async with asyncio.timeout(timeout):
            return await self.responses.get()

    async def silence(self, timeout: float = 0.2) -> None:
        with contextlib.suppress(TimeoutError):
            unexpected = await self.response(timeout)
            pytest.fail(f"unexpected response {unexpected.hex()}")


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    # In a thread of its own: a session-scoped Playwright browser (browser tests) keeps an
    # event loop running in the main thread, where asyncio.run() refuses to start.
    failure: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@contextlib.asynccontextmanager
async def running(
    handle: Any, lookup_secret: Any = lookup, **config: Any
) -> AsyncIterator[tuple[AccountingServer, asyncio.DatagramTransport, Client]]:
    server = AccountingServer(lookup_secret, handle, ServerConfig(**config))
    await server.start("127.0.0.1", 0)
    loop = asyncio.get_running_loop()
    transport, client = await loop.create_datagram_endpoint(Client, remote_addr=server.address)
    try:
        yield server, transport, client
    finally:
        transport.close()
        await server.stop()


async def until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


def start_packet(identifier: int = 1, session: str = "S-1", secret: bytes = SECRET, **extra: Any):
    attributes = {
        "Acct-Status-Type": "Start",
        "User-Name": "somchai",
        "Acct-Session-Id": session,
        "NAS-IP-Address": "192.0.2.10",
        "NAS-Identifier": "ban-nong-khai-01",
        "Calling-Station-Id": "AA-BB-CC-DD-EE-FF",
        "Event-Timestamp": 1735689600,
        **extra,
    }
    return encode_accounting_request(attributes, secret, identifier)


def assert_every_datagram_has_one_outcome(stats: ServerStats) -> None:
    outcomes = (
        stats.accepted
        + stats.duplicates_answered
        + stats.duplicates_in_flight
        + stats.malformed
        + stats.unsupported_code
        + stats.unknown_nas
        + stats.bad_authenticator
        + stats.overloaded
        + stats.shutting_down
        + stats.internal_errors
    )
    assert outcomes == stats.received


def test_start_is_stored_then_answered() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with running(recorder) as (server, transport, client):
            raw = start_packet()
            transport.sendto(raw)
            response = await client.response()

            assert verify_accounting_response(response, raw[4:20], SECRET)
            assert decode(response).identifier == 1
            [request] = recorder.requests
            assert request.raw == raw
            assert request.status_type == 1
            assert request.nas_ip == "127.0.0.1"
            assert request.received_at.tzinfo is UTC
            assert request.session_key == acct_unique_session_id(decode(raw))
            assert request.packet.get("User-Name") == "somchai"
            assert server.stats.as_dict() | {"received": 1, "accepted": 1, "answered": 1} == (
                server.stats.as_dict()
            )
            assert server.stats.batches == 1

    run(scenario)


def test_response_waits_until_handle_returned() -> None:
    recorder = Recorder()
    recorder.gate = threading.Event()

    async def scenario() -> None:
        async with running(recorder) as (_server, transport, client):
            transport.sendto(start_packet())
            await client.silence(0.3)  # still being stored: no answer yet
            recorder.gate.set()  # type: ignore[union-attr]
            await client.response()
            assert len(recorder.requests) == 1

    run(scenario)


def test_bad_secret_unknown_nas_and_garbage_are_dropped_and_counted() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with running(recorder) as (server, transport, client):
            transport.sendto(start_packet(secret=b"wrong-secret"))
            transport.sendto(start_packet(identifier=2))  # the one good packet
            await client.response()
            transport.sendto(start_packet(identifier=3, **{"NAS-Identifier": "unknown-nas"}))
            for garbage in (  # (asyncio's sendto() silently skips empty datagrams)
                b"\x04",
                b"hello, is this RADIUS?",
                bytes([4, 9, 0, 19]) + bytes(16),  # Length below 20
                bytes([4, 9, 0, 60]) + bytes(16),  # Length beyond the datagram
                bytes([4, 9, 0, 22]) + bytes(16) + bytes([1, 0]),  # attribute length 0
            ):
                transport.sendto(garbage)
            access_request = encode_packet(1, 7, bytes(16), [(1, b"somchai")])
            transport.sendto(access_request)
            await client.silence()

            stats = server.stats
            assert stats.bad_authenticator == 1
            assert stats.unknown_nas == 1
            assert stats.malformed == 5
            assert stats.unsupported_code == 1
            assert stats.answered == 1
            assert len(recorder.requests) == 1
            assert_every_datagram_has_one_outcome(stats)

            # The server is unharmed and keeps answering.
            transport.sendto(start_packet(identifier=4, session="S-2"))
            await client.response()

    run(scenario)


def test_retransmission_is_answered_from_cache_without_storing_twice() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with running(recorder) as (server, transport, client):
            raw = start_packet()
            transport.sendto(raw)
            first = await client.response()
            transport.sendto(raw)
            second = await client.response()

            assert first == second
            assert len(recorder.requests) == 1
            assert server.stats.duplicates_answered == 1

            # Same identifier, new content: a new request, not a retransmission.
            transport.sendto(start_packet(session="S-other"))
            third = await client.response()
            assert third != first
            assert len(recorder.requests) == 2

    run(scenario)


def test_retransmission_while_storing_gets_one_answer() -> None:
    recorder = Recorder()
    recorder.gate = threading.Event()

    async def scenario() -> None:
        async with running(recorder) as (server, transport, client):
            raw = start_packet()
            transport.sendto(raw)
            await until(lambda: server.stats.accepted == 1)
            transport.sendto(raw)
            await until(lambda: server.stats.duplicates_in_flight == 1)
            recorder.gate.set()  # type: ignore[union-attr]
            await client.response()
            await client.silence()
            assert len(recorder.requests) == 1

    run(scenario)


def test_reply_cache_expires_after_the_window() -> None:
    recorder = Recorder()
    now = [1000.0]

    async def scenario() -> None:
        server = AccountingServer(
            lookup, recorder, ServerConfig(dedupe_window=5), clock=lambda: now[0]
        )
        await server.start("127.0.0.1", 0)
        loop = asyncio.get_running_loop()
        transport, client = await loop.create_datagram_endpoint(Client, remote_addr=server.address)
        try:
            raw = start_packet()
            transport.sendto(raw)
            await client.response()
            now[0] += 4.9
            transport.sendto(raw)
            await client.response()
            assert len(recorder.requests) == 1
            now[0] += 0.2  # past the window: treated as new, so handlers must be idempotent
            transport.sendto(raw)
            await client.response()
            assert len(recorder.requests) == 2
        finally:
            transport.close()
            await server.stop()

    run(scenario)


def test_requests_are_group_committed() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with running(recorder, max_delay=0.2, max_batch=16) as (server, transport, client):
            packets = [start_packet(identifier=i, session=f"S-{i}") for i in range(40)]
            for raw in packets:
                transport.sendto(raw)
            responses = [await client.response() for _ in packets]

            by_id = {decode(r).identifier: r for r in responses}
            assert sorted(by_id) == list(range(40))
            for raw in packets:
                assert verify_accounting_response(by_id[raw[1]], raw[4:20], SECRET)
            sizes = [len(batch) for batch in recorder.batches]
            assert sum(sizes) == 40
            assert max(sizes) <= 16
            assert len(sizes) <= 5  # 40 requests in a burst need 3 batches of at most 16
            assert server.stats.batches == len(sizes)

    run(scenario)


def test_failed_handle_leaves_request_unanswered_until_retransmitted() -> None:
    recorder = Recorder()
    recorder.fail = True

    async def scenario() -> None:
        async with running(recorder) as (server, transport, client):
            raw = start_packet()
            transport.sendto(raw)
            await until(lambda: server.stats.handler_errors == 1)
            await client.silence()

            recorder.fail = False  # the database is back; the NAS retransmits
            transport.sendto(raw)
            response = await client.response()
            assert verify_accounting_response(response, raw[4:20], SECRET)
            assert len(recorder.requests) == 1
            assert server.stats.answered == 1

    run(scenario)


def test_failing_lookup_drops_only_that_request() -> None:
    recorder = Recorder()

    def flaky_lookup(nas_ip: str, nas_identifier: str | None) -> bytes | None:
        if nas_identifier == "broken":
            raise LookupError("NAS table unavailable")
        return SECRET

    async def scenario() -> None:
        async with running(recorder, flaky_lookup) as (server, transport, client):
            transport.sendto(start_packet(identifier=1, **{"NAS-Identifier": "broken"}))
            transport.sendto(start_packet(identifier=2))
            await client.response()
            await client.silence()
            assert len(recorder.requests) == 1
            assert server.stats.lookup_errors == 1
            assert server.stats.unknown_nas == 1

    run(scenario)


def test_a_coroutine_handle_is_refused() -> None:
    """The writers are threads that call ``handle`` and answer once it returns: a coroutine
    function would return at once, unawaited, and its requests be answered unstored."""

    async def handle(batch: list[AccountingRequest]) -> None:
        pass

    class AsyncHandler:
        async def __call__(self, batch: list[AccountingRequest]) -> None:
            pass

    for refused in (handle, AsyncHandler()):
        with pytest.raises(TypeError):
            AccountingServer(lookup, refused)


def test_writers_store_batches_side_by_side_and_each_answers_its_own() -> None:
    """Two writer threads: while one is held inside ``handle``, the other stores and answers
    the next batch; the held one answers its own once released."""
    held = threading.Event()
    release = threading.Event()
    stored: list[list[int]] = []
    lock = threading.Lock()

    def handle(batch: list[AccountingRequest]) -> None:
        if batch[0].packet.identifier == 0:  # the first batch is held
            held.set()
            release.wait(timeout=5)
        with lock:
            stored.append([request.packet.identifier for request in batch])

    async def scenario() -> None:
        async with running(handle, workers=2) as (server, transport, client):
            transport.sendto(start_packet(identifier=0, session="S-0"))
            await until(held.is_set)
            transport.sendto(start_packet(identifier=1, session="S-1"))
            assert decode(await client.response()).identifier == 1  # the free writer
            release.set()
            assert decode(await client.response()).identifier == 0
            assert sorted(stored) == [[0], [1]]
            assert server.stats.batches == 2

    run(scenario)


def test_stop_gives_up_on_a_stuck_writer_and_leaves_the_queue_unanswered() -> None:
    """All writers are told at once and joined against one deadline (``stop_timeout``):
    a batch still inside ``handle`` then, and what is queued behind it, are not answered by
    this server (their NAS retransmits to the next one)."""
    recorder = Recorder()
    recorder.gate = threading.Event()

    async def scenario() -> None:
        server = AccountingServer(
            lookup, recorder, ServerConfig(max_batch=1, workers=2, stop_timeout=0.2)
        )
        await server.start("127.0.0.1", 0)
        loop = asyncio.get_running_loop()
        transport, client = await loop.create_datagram_endpoint(Client, remote_addr=server.address)
        try:
            for i in range(4):
                transport.sendto(start_packet(identifier=i, session=f"S-{i}"))
            await until(lambda: server.stats.accepted == 4)
            await server.stop()  # both writers stuck in handle, two requests queued
            recorder.gate.set()  # type: ignore[union-attr]
            await asyncio.get_running_loop().run_in_executor(None, server._join_writers, 5)
            assert len(recorder.requests) == 2  # the two that were being stored
            assert server.stats.answered == 2  # counted; their answers cannot leave
            await client.silence()
        finally:
            transport.close()

    run(scenario)


def test_stop_stores_and_answers_queued_requests_then_refuses_new_ones() -> None:
    recorder = Recorder()
    recorder.gate = threading.Event()

    async def scenario() -> None:
        server = AccountingServer(lookup, recorder, ServerConfig(max_delay=0.01))
        await server.start("127.0.0.1", 0)
        loop = asyncio.get_running_loop()
        transport, client = await loop.create_datagram_endpoint(Client, remote_addr=server.address)
        try:
            for i in range(3):
                transport.sendto(start_packet(identifier=i, session=f"S-{i}"))
            await until(lambda: server.stats.accepted == 3)
            stopping = asyncio.create_task(server.stop())
            await asyncio.sleep(0.05)
            transport.sendto(start_packet(identifier=9, session="late"))
            await until(lambda: server.stats.shutting_down == 1)
            recorder.gate.set()  # type: ignore[union-attr]
            await stopping
            answered = {decode(await client.response()).identifier for _ in range(3)}
            assert answered == {0, 1, 2}
            assert len(recorder.requests) == 3
            assert_every_datagram_has_one_outcome(server.stats)
        finally:
            transport.close()

    run(scenario)


def test_serve_runs_until_stop_event() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        stop = asyncio.Event()
        started: asyncio.Future[AccountingServer] = asyncio.get_running_loop().create_future()
        serving = asyncio.create_task(
            serve(
                "127.0.0.1",
                0,
                lookup_secret=lookup,
                handle=recorder,
                stop_event=stop,
                on_started=started.set_result,
            )
        )
        server = await started
        loop = asyncio.get_running_loop()
        transport, client = await loop.create_datagram_endpoint(Client, remote_addr=server.address)
        transport.sendto(start_packet())
        await client.response()
        transport.close()
        stop.set()
        stats = await serving
        assert stats.answered == 1

    run(scenario)


@pytest.mark.radclient
@pytest.mark.skipif(RADCLIENT is None, reason="radclient (freeradius-utils) is not installed")
@pytest.mark.parametrize("message_authenticator", [False, True])
def test_radclient_start_is_answered(message_authenticator: bool) -> None:
    recorder = Recorder()
    attributes = [
        "Acct-Status-Type = Start",
        'User-Name = "somchai"',
        'Acct-Session-Id = "RC-0001"',
        "NAS-IP-Address = 192.0.2.10",
        'Calling-Station-Id = "aa:bb:cc:dd:ee:ff"',
        "Event-Timestamp = 1735689600",
    ]
    if message_authenticator:
        attributes.append("Message-Authenticator = 0x00")  # radclient computes the real one

    async def scenario() -> None:
        async with running(recorder) as (server, _transport, _client):
            host, port = server.address
            process = await asyncio.create_subprocess_exec(
                RADCLIENT,  # type: ignore[arg-type]
                "-x",
                "-r",
                "1",
                "-t",
                "3",
                f"{host}:{port}",
                "acct",
                SECRET.decode(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            output, _ = await process.communicate("\n".join(attributes).encode() + b"\n")
            text = output.decode(errors="replace")

            assert process.returncode == 0, text
            assert "Received Accounting-Response" in text
            [request] = recorder.requests
            assert request.packet.get("Acct-Session-Id") == "RC-0001"
            assert ("Message-Authenticator" in request.packet) is message_authenticator

    run(scenario)
