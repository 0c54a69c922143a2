"""Traffic follows every change of the routing table at once, for a
destination it has just been sent to (route.c keeps the last lookup, as
FreeBSD's inpcb keeps its route until the table's generation moves): a
route added that matches it more closely takes the next packet, its
RTM_CHANGE to another gateway too, its deletion gives the packet back to
the route it had before; an RTF_REJECT flag given by a change is obeyed
at once."""

from scapy.layers.inet import IP

from ffstack import PEER_IP, PEER_MAC
from fstools._ffi import FF_RTM_ADD, FF_RTM_CHANGE, FF_RTM_DELETE
from test_rtsock import MASK16, route

MAC9, MAC10 = "02:00:00:00:00:09", "02:00:00:00:00:0a"
DST = "198.19.1.1"
IFNAME = "f-stack-0"


def _next_hop(st):
    """The Ethernet destination of a datagram to DST, or None when none
    leaves."""
    if st.ip_output(DST) != 0:
        return None
    return st.expect(IP).dst


def _net16(st, cmd, gateway, **kw):
    """RTM_ADD or RTM_CHANGE of 198.19.0.0/16 (DST's) by gateway: errno."""
    return route(
        st, cmd, dst="198.19.0.0", netmask=MASK16, gateway=gateway, **kw
    )[0]


def test_traffic_follows_added_changed_and_deleted_routes(st):
    st.arp_add(PEER_IP, PEER_MAC)
    st.arp_add("198.18.0.9", MAC9)
    st.arp_add("198.18.0.10", MAC10)
    assert _next_hop(st) == PEER_MAC  # the default route
    assert _next_hop(st) == PEER_MAC
    # A /16 for DST, added after DST was sent to: it takes the next one.
    # (The interface named: the table is not asked for the gateway's.)
    assert _net16(st, FF_RTM_ADD, "198.18.0.9", ifname=IFNAME) == 0
    assert _next_hop(st) == MAC9
    # A host route, closer still.
    err, _ = route(
        st, FF_RTM_ADD, dst=DST, gateway="198.18.0.10", ifname=IFNAME
    )
    assert err == 0
    assert _next_hop(st) == MAC10
    # Gone: back to the /16.
    assert route(st, FF_RTM_DELETE, dst=DST)[0] == 0
    assert _next_hop(st) == MAC9
    # The /16's gateway changed.
    assert _net16(st, FF_RTM_CHANGE, "198.18.0.10") == 0
    assert _next_hop(st) == MAC10
    assert route(st, FF_RTM_DELETE, dst="198.19.0.0", netmask=MASK16)[0] == 0
    assert _next_hop(st) == PEER_MAC


def test_reject_flag_of_a_used_route_counts_at_once(st):
    st.arp_add("198.18.0.9", MAC9)
    assert _net16(st, FF_RTM_ADD, "198.18.0.9") == 0
    assert _next_hop(st) == MAC9
    assert _net16(st, FF_RTM_CHANGE, "198.18.0.9", flags=0x8) == 0  # REJECT
    assert _next_hop(st) is None
    st.expect_nothing()
