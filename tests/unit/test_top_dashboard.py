"""ff-top's dashboard through its renderer: fake samples of two
intervals in, the text a person sees out (rich at a fixed size, no
colour)."""

import pytest
from rich.console import Console

from fake_snapshots import snap, top_stats
from fstools.views import counters as cnt
from fstools.views import dashboard as dash


def text(board, width=120, height=40):
    con = Console(width=width, height=height, record=True, color_system=None)
    con.print(board.render(width, height))
    return con.export_text()


def fed(procs=(0,)):
    board = dash.Dashboard("ff", 1.0)
    for i in range(1, 6):
        board.feed(
            [
                snap(i, p, rexmit=10 * i, badsum=3 * (i // 6), accepts=310 * i)
                for p in procs
            ],
            [
                snap(
                    i + 1,
                    p,
                    rexmit=10 * (i + 1),
                    badsum=3 * ((i + 1) // 6),
                    accepts=310 * (i + 1),
                )
                for p in procs
            ],
            1.0,
        )
    return board


def test_overview_shows_every_panel():
    out = text(fed())
    assert "ff-top" in out and "prefix ff" in out
    for title in ("CPU", "Traffic", "TCP", "Memory", "Moved"):
        assert title in out, title
    assert "92.4%" in out and "13.4k" in out  # idle, loops/s
    assert "1.0k" in out and "800.0k" in out  # rx pkt/s, rx bit/s
    assert "ESTABLISHED 20" in out and "TIME_WAIT 312" in out
    assert "LISTEN 1" in out
    assert "drops +2/12" in out  # tcps_drops: in the interval/in all
    assert "310" in out  # accepts/s
    assert "10.0" in out or "10 " in out  # rexmit/s
    # mbufs: none used; sockets: 333 of 1024.
    assert "0/8191" in out and "333/1024" in out and "33%" in out
    assert "\u2588" in out  # a bar


def test_moved_lists_errors_and_drops_that_changed():
    out = text(fed())
    moved = out[out.index("Moved") :]
    # rcvbadsum went from 0 to 3 in the last interval.
    assert "tcps_rcvbadsum" in moved and "+3" in moved
    assert "tcps_drops" in moved and "+2" in moved
    assert "kern.ipc.overload.win_shrunk" in moved and "+7" in moved
    # Counters that moved but are no errors stay out of this panel.
    assert "tcps_sndtotal" not in moved and "tcps_accepts" not in moved


def test_sparklines_follow_history():
    board = dash.Dashboard("ff", 1.0)
    for rx in (0, 100, 200, 400, 800):
        a, b = snap(1), snap(2)
        b.top = top_stats(0, hz=10000, now=20000, rx=1000 + rx, idle=10)
        a.top = top_stats(0, hz=10000, now=10000, rx=1000, idle=5)
        board.feed([a], [b], 1.0)
    assert list(board.hist["rx_pps"]) == [0, 100, 200, 400, 800]
    assert (
        dash.spark([0, 100, 200, 400, 800], 5)
        == "\u2581\u2582\u2583\u2585\u2588"
    )
    assert dash.spark([0, 100, 200, 400, 800], 3) == "\u2583\u2585\u2588"


def test_proc_all_has_a_total_row():
    out = text(fed((0, 1)))
    cpu = out[out.index("CPU") : out.index("Traffic")]
    assert "total" in cpu
    assert "2.0k" in out  # rx pkt/s of both processes


def test_views_switch_on_keys_and_q_quits():
    board = fed()
    assert board.key("2") is True and board.view == "tcp"
    out = text(board)
    assert "TCP connections by state" in out
    assert "SYN_SENT" in out and "FIN_WAIT_2" in out  # every state
    assert "tcps_sndrexmitpack" in out  # TCP counters that moved
    assert board.key("3") and board.view == "counters"
    out = text(board)
    assert "tcps_sndtotal" in out and "+5000" in out
    assert board.key("\t") and board.view == "overview"
    assert board.key("q") is False


@pytest.mark.parametrize("width,height", [(80, 24), (60, 20), (200, 50)])
def test_fits_the_terminal(width, height):
    out = text(fed(), width, height).splitlines()
    assert len(out) <= height
    assert all(len(line) <= width for line in out)
    assert "CPU" in "\n".join(out)


def test_a_state_and_its_count_stay_on_one_line():
    board = dash.Dashboard("ff", 1.0)
    states = [0, 1, 0, 0, 10, 0, 18, 0, 0, 0, 14035]
    board.feed([snap(1, states=states)], [snap(2, states=states)], 1.0)
    out = text(board, 110, 42)
    assert "FIN_WAIT_1 18" in out and "TIME_WAIT 14035" in out
    out = text(board, 80, 40)  # stacked panels
    assert "TIME_WAIT 14035" in out


def test_first_interval_is_since_start():
    board = dash.Dashboard("ff", 1.0)
    zero = snap(0)
    board.feed([zero], [snap(3)], 0.0, first=True)
    out = text(board)
    assert "CPU (since start)" in out and "92.4%" in out
    assert "13.4k" in out  # loops over the 3 s since start, per second
    assert "after the first interval" in out


def test_problem_counters():
    assert cnt.is_problem("tcpstat.tcps_rcvbadsum")
    assert cnt.is_problem("tcpxstat.tcpx_noport")
    assert cnt.is_problem("if.f-stack-0.ierrors")
    assert cnt.is_problem("port.rx_dropped")
    assert not cnt.is_problem("tcpstat.tcps_sndtotal")
    assert not cnt.is_problem("if.f-stack-0.ipackets")
    assert cnt.label("tcpstat.tcps_rcvbadsum") == "tcps_rcvbadsum"
    assert cnt.label("arpstat.dropped") == "arpstat.dropped"
