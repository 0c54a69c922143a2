"""How each record looks: FreeBSD's text, the --json object, a rich table.

One module per record kind (as fstools.records): iface, route, arp,
sysctl, top, traffic.  A tool hands these to its ``output.Renderer``,
which picks the look; a later tool that shows the same records (netstat
-r shows routes) reuses the same view.
"""
