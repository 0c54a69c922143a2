"""The attach a tool starts before its imports (see fstools.launch).

A one-shot tool spends most of its life starting: Python's imports
(click above all) and the EAL attach.  The attach runs in C with the GIL
released, so the launcher starts it in a thread with nothing but ctypes,
then imports the tool; ``fstools.ipc.Stack.attach()`` collects the
outcome with ``take()``.  The library keeps its attached state per
process, so the later, checked load of the same library (``_ffi``) finds
the EAL already attached.
"""

import atexit
import ctypes
import threading

from fstools import _libpath

_state = {}


def _attach(prefix):
    try:
        lib = ctypes.CDLL(_libpath.candidates()[0])
        fn = lib.ff_ipc_attach
    except (OSError, AttributeError):
        return                  # _ffi will say what is wrong, properly
    fn.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t)
    fn.restype = ctypes.c_int
    err = ctypes.create_string_buffer(256)
    rc = fn(prefix.encode(), err, len(err))
    _state.update(rc=rc, message=err.value.decode("utf-8", "replace"),
                  lib=lib)
    if rc == 0:
        atexit.register(release)


def release():
    """Detach when no Stack took the attach (help, bad usage); once."""
    if _state.get("rc") == 0 and not _state.get("taken"):
        _state["taken"] = True
        _state["lib"].ff_ipc_detach()


def start(prefix):
    """Begin attaching to ``prefix`` in the background (once)."""
    if "thread" not in _state:
        _state["prefix"] = prefix
        _state["thread"] = threading.Thread(target=_attach, args=(prefix,),
                                            daemon=True)
        _state["thread"].start()


def take(prefix):
    """(rc, message) of the early attach to ``prefix``, or None when there
    was none for that prefix (or it could not even load the library)."""
    thread = _state.get("thread")
    if thread is None or _state.get("prefix") != prefix:
        return None
    thread.join()
    if "rc" not in _state:
        return None
    _state["taken"] = True
    return _state["rc"], _state["message"]
