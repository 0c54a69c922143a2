"""Protocol control blocks (netstat -a): one Connection per pcb.

Part of the Stack layer (``fstools.stack``): the record
``Stack.connections()`` returns, made from the stack's struct ff_xinpcb
(FreeBSD's xinpcb / xtcpcb).
"""

from dataclasses import dataclass

# netinet/tcp_fsm.h's tcpstates[], as netstat prints them.
TCP_STATES = (
    "CLOSED",
    "LISTEN",
    "SYN_SENT",
    "SYN_RCVD",
    "ESTABLISHED",
    "CLOSE_WAIT",
    "FIN_WAIT_1",
    "CLOSING",
    "LAST_ACK",
    "FIN_WAIT_2",
    "TIME_WAIT",
)


@dataclass(frozen=True)
class SockBuf:
    """A socket buffer (FreeBSD's xsockbuf)."""

    cc: int  # data bytes held
    hiwat: int
    lowat: int
    mbcnt: int  # buffer bytes of the segments held
    mbmax: int
    mcnt: int  # segments held
    ccnt: int  # of them cluster-sized
    flags: int
    state: int


@dataclass(frozen=True)
class Connection:
    """One pcb of one process: addresses, socket, and TCP's state."""

    proc_id: int
    pid: int
    proto: str  # "tcp" or "udp"
    gencnt: int
    laddr: str
    lport: int
    faddr: str
    fport: int
    flags: int  # XI_*: anonymous port, TIME_WAIT, no socket
    flowid: int
    flowtype: int
    fd: int  # the application's descriptor, -1 none
    so_options: int
    so_state: int
    so_error: int
    qlen: int
    incqlen: int
    qlimit: int
    rcv: SockBuf
    snd: SockBuf
    state: int  # TCPS_*, -1 for UDP
    t_flags: int
    cwnd: int
    ssthresh: int
    maxseg: int
    snd_wnd: int
    rcv_wnd: int
    srtt_us: int
    rttvar_us: int
    rto_us: int
    rxtshift: int
    sndrexmitpack: int
    rcvoopack: int
    sndzerowin: int
    tt_rexmt: int  # timers: ms left, 0 not running
    tt_persist: int
    tt_keep: int
    tt_2msl: int
    tt_delack: int
    rcvtime: int  # ms since the last segment arrived
    cc: str

    @property
    def state_name(self) -> str:
        if self.proto != "tcp":
            return ""
        if 0 <= self.state < len(TCP_STATES):
            return TCP_STATES[self.state]
        return str(self.state)

    @property
    def anonport(self) -> bool:
        return bool(self.flags & 0x1)
