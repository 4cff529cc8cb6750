"""The request body, read once in chunks through a SHA-256 that also covers the method and the path."""

from __future__ import annotations

import hashlib

from flask import request

CHUNK = 1 << 20


class RequestBody:
    """A read-once view of `request.stream` (a CSV body may be far larger than memory).

    Opening the stream raises 413 when the declared length is above MAX_CONTENT_LENGTH; reading raises it
    when a body without a declared length grows past it.
    """

    def __init__(self) -> None:
        self._stream = request.stream
        self._digest = hashlib.sha256(f"{request.method} {request.path}\n".encode("utf-8", "replace"))
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            if size < 0:
                chunk, self._pending = self._pending + self._read(-1), b""
            else:
                chunk, self._pending = self._pending[:size], self._pending[size:]
            return chunk
        return self._read(size)

    def _read(self, size: int) -> bytes:
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        return chunk

    def is_empty(self) -> bool:
        if not self._pending:
            self._pending = self._read(CHUNK)
        return not self._pending

    def read_all(self) -> bytes:
        return self.read(-1)

    def finish(self) -> str:
        """Read whatever is left and return the request's hash (method, path and the whole body)."""
        while self._read(CHUNK):
            pass
        return self._digest.hexdigest()
