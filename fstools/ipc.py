"""The message ring: one session with the stack processes of a prefix.

    with Session("ff", timeout=2) as s:
        reply = s.request(0, FF_MSG_ECHO, b"ping")

``Session`` attaches (as a DPDK secondary), frames each request with its
ff_msg_hdr, checks the answer's header and follows multi-part cursors;
the stack's verdict (fm_error) becomes ``StackRefused``, every other
failure the ``StackError`` subclass ``fstools._ffi`` maps it to.  It
knows nothing of what a message means: ``fstools.stack.Stack`` (the
public API) builds on it.  ``start_early`` is the launcher's way in to
the early attach (see ``fstools._ffi``).
"""

import itertools
import os
from collections import namedtuple

from fstools import _ffi
from fstools._ffi import (
    FF_DEFAULT_FILE_PREFIX,
    FF_MSG_ECHO,
    NoStackError,
    ProtocolError,
    StackTimeout,
)

__all__ = [
    "Session",
    "Reply",
    "default_prefix",
    "start_early",
    "release_early",
]


def start_early(prefix):
    """Start attaching to ``prefix`` in a thread (fstools.launch)."""
    _ffi.start_early(prefix)


def release_early():
    """Detach an early attach nobody took (a tool leaving early)."""
    _ffi.release_early()


def default_prefix():
    """$FF_FILE_PREFIX, else the default config's prefix."""
    return os.environ.get("FF_FILE_PREFIX") or FF_DEFAULT_FILE_PREFIX


# One answer: the header fields that matter and the body bytes.  (A
# collections namedtuple: the launcher imports this module before it
# starts the early attach, and typing would cost it 3 ms.)
Reply = namedtuple("Reply", "type error cursor proc_id seq body")


class Session:
    """A connection to the stack processes under one DPDK file prefix.

    A process attaches to one prefix in its life (the EAL starts once):
    a second session must use the same prefix.
    """

    def __init__(self, prefix=None, timeout=2.0):
        self.prefix = prefix or default_prefix()
        self.timeout = timeout
        self._lib = None
        self._seq = itertools.count(1)

    # -- life ---------------------------------------------------------------

    def attach(self):
        try:
            _ffi.take_early(self.prefix)
            lib = _ffi.library()
            lib.attach(self.prefix)  # at once if attached early
        except NoStackError as e:
            if not e.message or e.message == "no stack is running":
                e.args = (
                    e.errno,
                    'no stack is running with file prefix "%s"' % self.prefix,
                )
            raise
        self._lib = lib
        return self

    def detach(self):
        if self._lib is not None:
            lib, self._lib = self._lib, None
            lib.detach()

    def __enter__(self):
        return self.attach()

    def __exit__(self, *exc):
        self.detach()
        return False

    # -- processes ----------------------------------------------------------

    def procs(self):
        """Pid of every stack process, indexed by proc id (0: not running)."""
        return self._attached().procs()

    def proc_ids(self, spec):
        """Proc ids named by ``spec``: an int, or "all" (the running ones)."""
        if spec == "all":
            ids = [i for i, pid in enumerate(self.procs()) if pid]
            if not ids:
                raise NoStackError(
                    'no stack is running with file prefix "%s"' % self.prefix
                )
            return ids
        return [int(spec)]

    # -- messages -----------------------------------------------------------

    def request(self, proc, msg_type, body=b"", cursor=0):
        """One request/answer; raises StackRefused when fm_error is set."""
        lib = self._attached()
        seq = next(self._seq) & 0xFFFFFFFF
        hdr = _ffi.encode_header(
            fm_magic=_ffi.FF_MSG_MAGIC,
            fm_version=_ffi.FF_MSG_ABI_VERSION,
            fm_type=msg_type,
            fm_len=_ffi.HDR_SIZE + len(body),
            fm_cursor=cursor,
            fm_proc_id=proc,
            fm_seq=seq,
        )
        try:
            raw = lib.request(
                proc, hdr + bytes(body), max(1, int(self.timeout * 1000))
            )
        except NoStackError:
            raise NoStackError(
                "no stack process %d is running with file "
                'prefix "%s"' % (proc, self.prefix)
            ) from None
        except StackTimeout:
            raise StackTimeout(
                'stack process %d (file prefix "%s") did not '
                "answer within %g s" % (proc, self.prefix, self.timeout)
            ) from None
        reply = self._parse(raw, msg_type, seq)
        if reply.error:
            raise _ffi.stack_error(reply.error)
        return reply

    def request_parts(self, proc, msg_type, body=b""):
        """Multi-part answers: yield each Reply until its cursor is 0."""
        cursor = 0
        while True:
            reply = self.request(proc, msg_type, body, cursor)
            yield reply
            if reply.cursor == 0:
                return
            if reply.cursor == cursor:
                raise ProtocolError(
                    "stack process %d repeated cursor %d" % (proc, cursor)
                )
            cursor = reply.cursor

    def echo(self, proc, body=b""):
        return self.request(proc, FF_MSG_ECHO, body).body

    # -- internals ----------------------------------------------------------

    def _attached(self):
        if self._lib is None:
            raise _ffi.NotAttached("not attached to a stack")
        return self._lib

    @staticmethod
    def _parse(raw, msg_type, seq):
        if len(raw) < _ffi.HDR_SIZE:
            raise ProtocolError("short answer (%d bytes)" % len(raw))
        h = _ffi.decode("ff_msg_hdr", raw)
        if (
            h["fm_magic"] != _ffi.FF_MSG_MAGIC
            or h["fm_version"] != _ffi.FF_MSG_ABI_VERSION
            or not h["fm_flags"] & _ffi.FF_MSGF_REPLY
            or h["fm_seq"] != seq
            or (h["fm_type"] != msg_type and not h["fm_error"])
            or not _ffi.HDR_SIZE <= h["fm_len"] <= len(raw)
        ):
            raise ProtocolError(
                "malformed answer (type %d, seq %d, len %d)"
                % (h["fm_type"], h["fm_seq"], h["fm_len"])
            )
        return Reply(
            type=h["fm_type"],
            error=h["fm_error"],
            cursor=h["fm_cursor"],
            proc_id=h["fm_proc_id"],
            seq=h["fm_seq"],
            body=bytes(raw[_ffi.HDR_SIZE : h["fm_len"]]),
        )
