"""The network, with its safety rules: the only module that opens a connection (httpx).

Every GET has a read timeout *and* a total deadline over the whole exchange
(connect, headers, body: a server that drips one header line or one byte every
few seconds cannot hold a pull), bounded redirects, a size limit,
retries with backoff on network and 5xx errors, and a conditional request
from the URL's own ETag/Last-Modified.

A URL that a source *discovered* (an entry's link, a redirect) is refused when
its host resolves to a loopback, private, link-local, shared (CGNAT), reserved
or cloud-metadata address, unless it has the host and port of the source the
user named, or its host is listed in ``allowed_hosts``: a feed cannot make
intl-pub fetch, store and publish a page from the team's internal network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit

from intl_pub.core.errors import SourceError

if TYPE_CHECKING:  # httpx is imported by the calls that open a connection: a run whose
    import httpx  # sources are folders, or that fetches nothing, does not pay for it

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 20.0
"""Seconds one connect or read may wait."""
DEADLINE = 60.0
"""Seconds one fetch may take in all (retries and redirects included)."""
RETRIES = 3
BACKOFF = 1.0
"""Seconds before the first retry; doubled each time."""
MAX_REDIRECTS = 5
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # CGNAT; Alibaba's metadata is 100.100.100.200
_T = TypeVar("_T")
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


@dataclass(frozen=True)
class FetchPolicy:
    """Where a source may lead: the user's own source, the public internet, listed hosts."""

    origin: str = ""
    """The URL the user named; its host and port may be private (it was chosen, not found)."""
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    """Host names (or addresses) a source may reach even when they resolve to private
    addresses, from ``[pipeline] allowed_hosts``."""
    deadline: float = DEADLINE
    timeout: float | None = None
    """Seconds one connect or read may wait; None: :data:`TIMEOUT`."""
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Fetched:
    """One response body and what the server said about it."""

    data: bytes
    url: str
    """The final URL, after redirects."""
    content_type: str


def fetch(
    url: str, policy: FetchPolicy, validators: dict[str, dict[str, str]] | None = None
) -> Fetched | None:
    """GET ``url`` within the policy; None on 304 Not Modified.

    Conditional when ``validators`` knows the URL; the response's ETag and
    Last-Modified are stored back under the URL. Client errors are not
    retried; network failures and 5xx are, within the deadline.
    """
    import httpx

    started = time.monotonic()
    headers = {"User-Agent": "intl-pub"}
    known = (validators or {}).get(url, {})
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    last: Exception | None = None
    for attempt in range(RETRIES):
        try:
            result = _get(url, headers, policy, started)
        except httpx.HTTPError as exc:
            last = exc
            pause = BACKOFF * 2**attempt
            if attempt + 1 < RETRIES and _remaining(policy, started) > pause:
                time.sleep(pause)
                continue
            break
        if result is None:
            return None
        response, data = result
        if validators is not None:
            fresh = {
                key: response.headers[name]
                for key, name in (("etag", "etag"), ("last_modified", "last-modified"))
                if name in response.headers
            }
            if fresh:
                validators[url] = {**validators.get(url, {}), **fresh}
        return Fetched(data, str(response.url), response.headers.get("content-type", ""))
    raise SourceError(f"{url}: cannot fetch ({last}); check the address and the network") from last


def check_address(url: str, policy: FetchPolicy) -> None:
    """Refuse a URL whose host is internal, unless the user named it or allowed it."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise SourceError(f"{url}: only http and https URLs are fetched")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise SourceError(f"{url}: no host in the URL")
    if host in policy.allowed_hosts or _same_origin(parts, policy.origin):
        return
    if host in _METADATA_HOSTS:
        raise SourceError(f"{url}: refused: {host} is a cloud metadata service")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise SourceError(f"{url}: cannot resolve {host} ({exc})") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if _internal(address):
            raise SourceError(
                f"{url}: refused: {host} resolves to {address}, an internal address; a source "
                "may only lead to the host it was named with, public hosts, or allowed_hosts"
            )


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _SHARED)
    )


def _same_origin(parts: SplitResult, origin: str) -> bool:
    return bool(origin) and _host_port(parts) == _host_port(urlsplit(origin))


def _host_port(parts: SplitResult) -> tuple[str, int]:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return ((parts.hostname or "").lower().rstrip("."), port)


def _remaining(policy: FetchPolicy, started: float) -> float:
    return policy.deadline - (time.monotonic() - started)


def _get(
    url: str, headers: dict[str, str], policy: FetchPolicy, started: float
) -> tuple[httpx.Response, bytes] | None:
    """One attempt, every redirect hop of it, within what is left of the deadline.

    httpx's timeouts bound each connect and each read, not their sum: a server
    that sends one header line every few seconds never trips them. So the whole
    exchange runs as one asyncio task under ``asyncio.timeout``; at the deadline
    the task is cancelled wherever it is (connecting, waiting for headers,
    reading the body), which closes the connection.
    """
    remaining = _remaining(policy, started)
    if remaining <= 0:
        raise SourceError(f"{url}: no answer within the {policy.deadline:g} s deadline")
    stage = _Stage()
    try:
        return _run_async(_within(_exchange(url, headers, policy, started, stage), remaining))
    except _DeadlinePassed as exc:
        raise SourceError(
            f"{url}: no complete answer within the {policy.deadline:g} s deadline ({stage}); "
            "set fetch_deadline_seconds to wait longer"
        ) from exc


@dataclass
class _Stage:
    """How far an exchange got, for the message when the deadline cuts it."""

    doing: str = "connecting"
    received: int = 0

    def __str__(self) -> str:
        if self.doing == "body":
            return f"still sending the body, {self.received} bytes so far"
        return "still sending its headers" if self.doing == "headers" else "still connecting"


class _DeadlinePassed(Exception):
    """The exchange was cancelled at the fetch deadline."""


async def _within(work: Coroutine[Any, Any, _T], seconds: float) -> _T:
    try:
        async with asyncio.timeout(seconds) as limit:
            return await work
    except TimeoutError:
        if limit.expired():
            raise _DeadlinePassed from None
        raise


def _run_async(work: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to the end from sync code, in this thread when it has no event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(1) as pool:  # called from a thread that runs a loop already
        return pool.submit(asyncio.run, work).result()


async def _exchange(
    url: str, headers: dict[str, str], policy: FetchPolicy, started: float, stage: _Stage
) -> tuple[httpx.Response, bytes] | None:
    """Follow redirects by hand, checking every hop against the policy."""
    import httpx

    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_address(current, policy)
        left = max(_remaining(policy, started), 0.1)
        timeout = httpx.Timeout(min(policy.timeout or TIMEOUT, left))
        stage.doing = "connecting"
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            request = client.build_request("GET", current, headers=headers)
            stage.doing = "headers"
            resp = await client.send(request, stream=True)
            try:
                if resp.is_redirect and "location" in resp.headers:
                    current = urljoin(current, resp.headers["location"])
                    continue
                if resp.status_code == 304:
                    return None
                if resp.status_code >= 500:
                    raise httpx.HTTPStatusError(
                        f"HTTP {resp.status_code}", request=resp.request, response=resp
                    )
                if resp.status_code >= 400:
                    raise SourceError(f"{url}: HTTP {resp.status_code}")
                stage.doing = "body"
                return resp, await _read_body(url, resp, policy, stage)
            finally:
                await resp.aclose()
    raise SourceError(f"{url}: too many redirects (more than {MAX_REDIRECTS})")


async def _read_body(url: str, resp: httpx.Response, policy: FetchPolicy, stage: _Stage) -> bytes:
    chunks = []
    async for chunk in resp.aiter_bytes():
        stage.received += len(chunk)
        if stage.received > policy.max_bytes:
            raise SourceError(f"{url}: larger than the {policy.max_bytes}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)
