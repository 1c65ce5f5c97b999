#!/usr/bin/python3
"""Media through a real Matrix client: matrix-nio's AsyncClient against a running Starling homeserver.

    /usr/bin/python3 media.py HOMESERVER_URL SERVER_NAME

Alice and Bob register and share a room. Alice uploads a 3 MiB file with nio's client.upload (its size
announced, so a Content-Length body) and a second one without a size (a chunked body), sends an m.file
message with the first one's mxc URI, Bob receives it through sync and downloads it with client.download:
byte-identical, with the uploaded file name and content type. Bob also fetches a crop thumbnail of an image
Alice uploaded. nio 0.20 speaks /_matrix/media/r0, which the server serves as v3.

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import hashlib
import io
import os
import struct
import sys
import zlib

import harness
from harness import PASSWORD

from nio import AsyncClient, ResizingMethod
from nio.responses import DownloadResponse, SyncResponse, ThumbnailResponse, UploadResponse

SIZE = 3 * 1024 * 1024 + 123


def png(width, height):
    """A plain RGB PNG (no imaging library needed): a horizontal gradient."""
    row = b"".join(bytes((x * 255 // max(1, width - 1), 80, 160)) for x in range(width))
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def png_size(data):
    return struct.unpack(">II", data[16:24]) if data[:8] == b"\x89PNG\r\n\x1a\n" else None


async def run(url, server_name, report):
    alice = AsyncClient(url, config=harness.config(60))
    bob = AsyncClient(url, config=harness.config(60))
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)
        r = await alice.room_create(name="Files", invite=[bob.user_id])
        room_id = r.room_id
        await bob.join(room_id)
        await bob.sync(timeout=0)

        data = os.urandom(SIZE)
        r, _ = await alice.upload(io.BytesIO(data), content_type="application/pdf", filename="report.pdf",
                                  filesize=len(data))
        uri = r.content_uri if isinstance(r, UploadResponse) else None
        report.step("alice uploads 3 MiB", r, content_uri=uri)
        report.expect("alice uploads 3 MiB", uri is not None and uri.startswith(f"mxc://{server_name}/"),
                      f"an mxc://{server_name}/ URI")

        chunked = os.urandom(200_000)

        def provider(got_429, got_timeouts):
            return io.BytesIO(chunked)

        r, _ = await alice.upload(provider, content_type="application/octet-stream", filename="chunked.bin")
        chunked_uri = r.content_uri if isinstance(r, UploadResponse) else None
        report.step("alice uploads without a size (chunked)", r, content_uri=chunked_uri)
        report.expect("alice uploads without a size (chunked)", chunked_uri is not None, "an mxc URI")

        await alice.room_send(room_id, "m.room.message", {
            "msgtype": "m.file", "body": "report.pdf", "url": uri,
            "info": {"mimetype": "application/pdf", "size": len(data)}})

        received = None
        for _ in range(5):
            r = await bob.sync(timeout=5000)
            if isinstance(r, SyncResponse) and room_id in r.rooms.join:
                for event in r.rooms.join[room_id].timeline.events:
                    if event.source.get("content", {}).get("msgtype") == "m.file":
                        received = event
            if received is not None:
                break
        got_url = getattr(received, "url", None)
        report.step("bob receives the m.file message", r, type=type(received).__name__, url=got_url)
        report.expect("bob receives the m.file message", got_url == uri, "the uploaded mxc URI")

        r = await bob.download(mxc=got_url) if got_url else None
        ok = isinstance(r, DownloadResponse)
        body = r.body if ok else b""
        report.step("bob downloads it", r, size=len(body), identical=body == data,
                    sha256=hashlib.sha256(body).hexdigest()[:16], filename=getattr(r, "filename", None),
                    content_type=getattr(r, "content_type", None))
        report.expect("bob downloads it", ok and body == data, f"the same {len(data)} bytes")
        report.expect("bob downloads it", ok and r.filename == "report.pdf", "the file name report.pdf")
        report.expect("bob downloads it", ok and r.content_type == "application/pdf", "application/pdf")

        r = await bob.download(mxc=chunked_uri) if chunked_uri else None
        ok = isinstance(r, DownloadResponse)
        report.step("bob downloads the chunked upload", r, identical=ok and r.body == chunked)
        report.expect("bob downloads the chunked upload", ok and r.body == chunked, "the same bytes")

        picture = png(120, 90)
        r, _ = await alice.upload(io.BytesIO(picture), content_type="image/png", filename="picture.png",
                                  filesize=len(picture))
        media_id = r.content_uri.rsplit("/", 1)[1] if isinstance(r, UploadResponse) else "missing"
        r = await bob.thumbnail(server_name, media_id, 32, 32, ResizingMethod.crop)
        ok = isinstance(r, ThumbnailResponse)
        size = png_size(r.body) if ok else None
        report.step("bob fetches a 32x32 crop thumbnail", r, content_type=getattr(r, "content_type", None),
                    size=size)
        report.expect("bob fetches a 32x32 crop thumbnail", ok and size == (32, 32), "a 32x32 PNG")

    finally:
        for client in (alice, bob):
            await client.close()


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
