"""Talking to a running stack: attach, ask, get records back.

    with Stack("ff", timeout=2) as st:
        for proc in st.proc_ids("all"):
            print(st.top(proc).loops)

``Stack`` is the only thing tool modules use to reach the stack; it turns
answers into the records below (``TopStats``, ``TrafficStats``) and
errors into the exceptions of ``fstools._ffi`` (re-exported here).
Records are NamedTuples: a dataclass costs ten times more to define, and
start-up time matters for one-shot tools.  Tests
replace ``fstools.ipc.Stack`` with a fake of the same shape.
"""

import itertools
import os
from typing import NamedTuple

from fstools import _early, _ffi
from fstools._ffi import (FF_DEFAULT_FILE_PREFIX, FF_MSG_ECHO, FF_MSG_TOP,
                          FF_MSG_TRAFFIC, FFError, NoStackError,
                          ProtocolError, StackError, StackTimeout)

__all__ = [
    "Stack", "Reply", "TopStats", "TrafficStats", "default_prefix",
    "FFError", "NoStackError", "ProtocolError", "StackError",
    "StackTimeout",
]


def default_prefix():
    """$FF_FILE_PREFIX, else the default config's prefix."""
    return os.environ.get("FF_FILE_PREFIX") or FF_DEFAULT_FILE_PREFIX


class Reply(NamedTuple):
    """One answer: the header fields that matter and the body bytes."""
    type: int
    error: int
    cursor: int
    proc_id: int
    seq: int
    body: bytes


class TopStats(NamedTuple):
    """Main-loop counters of one process since it started."""
    proc_id: int
    loops: int
    idle_tsc: int
    sys_tsc: int
    usr_tsc: int
    work_tsc: int
    tsc_hz: int
    now_tsc: int
    rx_packets: int
    tx_packets: int
    rx_bytes: int
    tx_bytes: int


class TrafficStats(NamedTuple):
    """Port counters of one process since it started."""
    proc_id: int
    rx_packets: int
    rx_bytes: int
    rx_dropped: int
    tx_packets: int
    tx_bytes: int
    tx_dropped: int
    now_ns: int


def _strip(d, prefix):
    return {k[len(prefix):]: v for k, v in d.items()
            if k.startswith(prefix) and k != prefix + "len"}


class Stack:
    """A connection to the stack processes under one DPDK file prefix."""

    def __init__(self, prefix=None, timeout=2.0):
        self.prefix = prefix or default_prefix()
        self.timeout = timeout
        self._lib = None
        self._seq = itertools.count(1)

    # -- life ---------------------------------------------------------------

    def attach(self):
        try:
            early = _early.take(self.prefix)
            if early is not None and early[0] < 0:
                raise _ffi.error_for(-early[0], early[1])
            lib = _ffi.library()
            lib.attach(self.prefix)     # at once if attached early
        except NoStackError as e:
            if not e.message or e.message == "no stack is running":
                e.args = ('no stack is running with file prefix "%s"'
                          % self.prefix,)
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
                raise NoStackError('no stack is running with file prefix "%s"'
                                   % self.prefix)
            return ids
        return [int(spec)]

    # -- messages -----------------------------------------------------------

    def request(self, proc, msg_type, body=b"", cursor=0):
        """One request/answer; raises StackError when fm_error is set."""
        lib = self._attached()
        seq = next(self._seq) & 0xFFFFFFFF
        hdr = _ffi.encode_header(
            fm_magic=_ffi.FF_MSG_MAGIC, fm_version=_ffi.FF_MSG_ABI_VERSION,
            fm_type=msg_type, fm_len=_ffi.HDR_SIZE + len(body),
            fm_cursor=cursor, fm_proc_id=proc, fm_seq=seq)
        try:
            raw = lib.request(proc, hdr + bytes(body),
                              max(1, int(self.timeout * 1000)))
        except NoStackError:
            raise NoStackError('no stack process %d is running with file '
                               'prefix "%s"' % (proc, self.prefix)) from None
        except StackTimeout:
            raise StackTimeout('stack process %d (file prefix "%s") did not '
                               'answer within %g s' % (proc, self.prefix,
                                                      self.timeout)) from None
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
                raise ProtocolError("stack process %d repeated cursor %d"
                                    % (proc, cursor))
            cursor = reply.cursor

    def echo(self, proc, body=b""):
        return self.request(proc, FF_MSG_ECHO, body).body

    def top(self, proc):
        body = self.request(proc, FF_MSG_TOP).body
        return TopStats(**_strip(_ffi.decode("ff_top_stats", body), "ts_"))

    def traffic(self, proc):
        body = self.request(proc, FF_MSG_TRAFFIC).body
        return TrafficStats(**_strip(_ffi.decode("ff_traffic_stats", body),
                                     "tr_"))

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
        if (h["fm_magic"] != _ffi.FF_MSG_MAGIC
                or h["fm_version"] != _ffi.FF_MSG_ABI_VERSION
                or not h["fm_flags"] & _ffi.FF_MSGF_REPLY
                or h["fm_seq"] != seq
                or (h["fm_type"] != msg_type and not h["fm_error"])
                or not _ffi.HDR_SIZE <= h["fm_len"] <= len(raw)):
            raise ProtocolError("malformed answer (type %d, seq %d, len %d)"
                                % (h["fm_type"], h["fm_seq"], h["fm_len"]))
        return Reply(type=h["fm_type"], error=h["fm_error"],
                     cursor=h["fm_cursor"], proc_id=h["fm_proc_id"],
                     seq=h["fm_seq"], body=bytes(raw[_ffi.HDR_SIZE:
                                                     h["fm_len"]]))
