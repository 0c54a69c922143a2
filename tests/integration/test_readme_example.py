"""README's "Scripting" example: a sysctl set through fstools.Stack shows
on the wire (the TTL of the stack's echo reply, read by Linux's ping)."""


def test_ttl_on_the_wire(ff_stack):
    old, new = ff_stack.stack.sysctl_set("net.inet.ip.ttl", 33)
    assert (old.decoded, new.decoded) == (64, 33)  # IPDEFTTL, then ours
    ping = ff_stack.nsexec("ping", "-c", "1", "-W", "2", ff_stack.addr)
    assert "ttl=33" in ping.stdout
