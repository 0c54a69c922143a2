"""fstools: FreeBSD-style network tools for the ff stack, and their API.

    import fstools
    with fstools.Stack(prefix="ff") as st:
        print(st.sysctl("net.inet.ip.ttl").decoded)

Layers, bottom up: the ABI module (the only one that touches ctypes: the
library, the ff_msg.h mirror, constants, errors), ``ipc`` (a session on
the message ring), ``stack`` (the public API: ``Stack`` and its
dataclasses), then one thin module per tool (top, traffic, sysctl,
ifconfig, route, arp) over ``cli`` (grammar, exit codes) and ``output``
(the one renderer).  ``testing`` is a pytest plugin (``ff_stack``).

Importing this package imports nothing else: ``fstools.Stack`` and the
other public names load ``fstools.stack`` on first use, so a tool's
start-up pays only for what it uses.
"""

__version__ = "0.1.0"

_PUBLIC = (
    "Stack",
    "Interface",
    "Address",
    "Route",
    "ArpEntry",
    "SysctlNode",
    "TopStats",
    "TrafficStats",
    "StackError",
    "StackRefused",
    "NoStackError",
    "StackTimeout",
    "StackBusy",
    "PermissionDenied",
    "ProtocolError",
    "LibraryError",
    "AbiMismatch",
    "NotAttached",
    "AlreadyAttached",
    "MessageTooBig",
    "MAX_PROCS",
)

__all__ = list(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        from fstools import stack

        return getattr(stack, name)
    raise AttributeError("module 'fstools' has no attribute %r" % name)
