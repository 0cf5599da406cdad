"""A customer socket's place in its ticket's timeline: seq order, each message once.

Pure: it takes message payloads (live events or database reads) and says which to send now.
The socket passes over a seq only when it holds that seq's message: one it sends, or an
internal note it does not (read from the database, never sent). A seq it has not seen yet
(an event still on its way from another process, a commit its read did not see) stops it;
what arrives after is held until the gap is filled. `channels_chat.consumers.customer` reads
the gap from the database and, if the read misses it too, reads again a little later.
"""

from __future__ import annotations

from typing import Any

Payload = dict[str, Any]  # helpdesk.services.events.message_payload


class TimelineCursor:
    def __init__(self, at: int = 0) -> None:
        self.at = at  # every seq up to here was sent (or is internal)
        self.ahead: dict[int, Payload] = {}  # held: seqs above `at + 1`

    def offer(self, payloads: list[Payload]) -> list[Payload]:
        """Take `payloads` (any order, repeats and stale ones allowed); the public ones that
        may be sent now, in seq order."""
        for payload in payloads:
            seq = payload["seq"]
            if seq > self.at:
                self.ahead[seq] = payload
        ready = []
        while self.at + 1 in self.ahead:
            self.at += 1
            held = self.ahead.pop(self.at)
            if not held["internal"]:
                ready.append(held)
        return ready

    def gap(self) -> tuple[int, int] | None:
        """(after, upto): the seqs to read to go on (after < seq <= upto), or None."""
        if not self.ahead:
            return None
        return self.at, max(self.ahead)

    def skip(self) -> list[Payload]:
        """Give up on the missing seqs below the lowest held one (a message that will never
        be read: deleted); what that frees, as `offer`."""
        if not self.ahead:
            return []
        self.at = min(self.ahead) - 1
        return self.offer([])
