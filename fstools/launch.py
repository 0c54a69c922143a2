"""Console-script entry of every tool: attach while Python imports.

A one-shot tool spends most of its life starting: Python's imports (click
above all) and the EAL attach (mapping the stack's shared memory).  This
entry starts the attach first, in a thread (``ipc.start_early``), then
imports the tool.  The prefix is read from the command line the way every
tool reads it (``-P``/``--prefix``, else ``$FF_FILE_PREFIX``, else ``ff``).

The tool is named by the command: ``ff-top`` runs ``fstools.top``.
"""

import importlib
import os
import sys


# Tools whose -P is not the prefix (ff-ipfw: -P is the process, as in
# F-Stack's ipfw; its prefix is --prefix only).
P_IS_PROC = ("ff-ipfw",)


def prefix_of(argv, short="-P"):
    """The file prefix a tool will use, from its arguments (``short``:
    the option's short name, None when the tool has none)."""
    longs = ("--prefix",) + ((short,) if short else ())
    for i, arg in enumerate(argv):
        if arg in longs and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--prefix="):
            return arg.split("=", 1)[1]
        if short and arg.startswith(short) and len(arg) > 2:
            return arg[2:]
    return None


def wants_stack(argv):
    """False for runs that only print help or fail on usage anyway."""
    return not any(a in ("--help", "-h") for a in argv)


def main():
    tool = os.path.basename(sys.argv[0])
    argv = sys.argv[1:]
    if wants_stack(argv):
        from fstools import _libpath, ipc

        ipc.start_early(
            prefix_of(argv, None if tool in P_IS_PROC else "-P")
            or os.environ.get("FF_FILE_PREFIX")
            or _libpath.DEFAULT_PREFIX
        )
    module = importlib.import_module("fstools." + tool[3:].replace("-", "_"))
    return module.main()


if __name__ == "__main__":
    main()
