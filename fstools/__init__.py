"""fstools: FreeBSD-style network tools for the ff stack.

One module per tool (top, traffic, ...); ipc.py talks to the stack,
_ffi.py is the only module that touches ctypes, cli.py and output.py are
shared by all tools.  Importing this package imports nothing else.
"""

__version__ = "0.1.0"
