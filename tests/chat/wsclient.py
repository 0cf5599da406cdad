"""A synchronous websocket test client that checks every server frame against protocol.py."""

from __future__ import annotations

import json
import time
from typing import Any

from websockets.sync.client import connect

from channels_chat.protocol import server_frame_problems


class FrameError(AssertionError):
    pass


class Socket:
    def __init__(
        self,
        url: str,
        *,
        customer: bool,
        headers: dict[str, str] | None = None,
        origin: str | None = None,
    ):
        self.customer = customer
        self.frames: list[dict[str, Any]] = []  # every frame received, in order
        self.pending: list[dict[str, Any]] = []
        # Entered explicitly: the connection lives as long as this Socket (closed in close()).
        self.ws = connect(
            url,
            additional_headers=headers or {},
            open_timeout=10,
            origin=origin or "http://127.0.0.1",  # type: ignore[arg-type]
            max_size=2**22,
        ).__enter__()

    def send(self, frame: Any) -> None:
        self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    def _read(self, timeout: float) -> dict[str, Any] | None:
        try:
            raw = self.ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        frame = json.loads(raw)
        if problems := server_frame_problems(frame, customer=self.customer):
            raise FrameError(f"server sent an invalid frame {frame}: {problems}")
        self.frames.append(frame)
        return frame

    def expect(self, kind: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """The next frame of `kind` (matching `match`); others are kept for later."""
        for index, frame in enumerate(self.pending):
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return self.pending.pop(index)
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            frame = self._read(left)
            if frame is None:
                break
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame
            self.pending.append(frame)
        raise AssertionError(f"no {kind} {match} within {timeout}s; got {self.pending}")

    def drain(self, wait: float = 0.3) -> list[dict[str, Any]]:
        """Every frame that arrives within `wait` seconds (plus those kept), consumed."""
        result, self.pending = self.pending, []
        while (frame := self._read(wait)) is not None:
            result.append(frame)
        return result

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> Socket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
