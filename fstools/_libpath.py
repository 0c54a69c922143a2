"""Where the client library is: the one place that knows.

``$FF_LIBFF``; ``libff/libffipc.so`` (the message-ring client with a static
EAL: no PMD loading, the fast start) of the source tree this package sits
in, then ``libff/libff.so`` there (the same client inside the stack
library); then ``libffipc.so`` and ``libff.so`` through the dynamic
linker's own search (ldconfig cache, LD_LIBRARY_PATH).

Kept apart from the ABI module so the launcher can name the default prefix
without importing the ABI mirrors.
"""

import os

# The default config's file prefix (FF_DEFAULT_FILE_PREFIX in ff_ipc.h).
DEFAULT_PREFIX = "ff"


def candidates():
    env = os.environ.get("FF_LIBFF")
    if env:
        return [env]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tree = [
        os.path.join(here, "libff", name)
        for name in ("libffipc.so", "libff.so")
    ]
    found = [path for path in tree if os.path.exists(path)]
    return found or ["libffipc.so", "libff.so"]
