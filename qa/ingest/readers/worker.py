"""The child side of `sandbox.ReaderProcess`: reads requests on stdin, answers on stdout.

Frames are a 4-byte big-endian length and a body; a request is a JSON header
frame ({"suffix", "name"}) then the file's bytes; the answer is one JSON frame,
{"parts": [...]} or {"error": reason}. The address-space limit is set before
any reader runs, so a decompression bomb fails here as MemoryError, not in
the caller.
"""
from __future__ import annotations

import json
import os
import resource
import struct
import sys
from typing import BinaryIO

_LENGTH = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


def write_frame(stream: BinaryIO, body: bytes) -> None:
    stream.write(_LENGTH.pack(len(body)) + body)
    stream.flush()


def _answer(header: dict, data: bytes) -> dict:
    from ...errors import UnreadableDocument
    from . import extract

    try:
        parts = extract(header["suffix"], data, header["name"])
    except UnreadableDocument as error:
        return {"error": str(error)}
    except MemoryError:
        return {"error": "needs more memory than a document may take (a decompression bomb?)"}
    except RecursionError:
        return {"error": "nested too deeply to read"}
    except Exception as error:  # noqa: BLE001 - a reader's bug on one file must not end the build
        return {"error": f"could not be read ({type(error).__name__}: {str(error)[:200]})"}
    return {"parts": [p.to_json() for p in parts]}


def main() -> int:
    limit = int(os.environ.get("QA_READER_MEMORY", str(4 * 1024 ** 3)))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    stdin = sys.stdin.buffer
    # The frames get their own copy of fd 1; fd 1 itself then points at stderr, so neither a reader's
    # stray print nor a C library writing to fd 1 can corrupt them.
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    while True:
        header = read_frame(stdin)
        data = read_frame(stdin) if header is not None else None
        if header is None or data is None:
            return 0
        write_frame(stdout, json.dumps(_answer(json.loads(header), data)).encode())


if __name__ == "__main__":
    sys.exit(main())
