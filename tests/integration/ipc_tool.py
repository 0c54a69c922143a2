"""A deliberately low-level message-ring client for the integration tests.

Each run is one DPDK secondary process (the EAL starts once per process),
so tests run it as a subprocess:

    ipc_tool.py PREFIX ping [SECONDS]    wait until process 0 answers ECHO
    ipc_tool.py PREFIX echo N TAG        N echo requests carrying TAG; each
                                         answer must carry it back
    ipc_tool.py PREFIX top N             N TOP requests, all must succeed
    ipc_tool.py PREFIX spin              TOP requests until killed
    ipc_tool.py PREFIX churn             the same, 0.5 ms apart
    ipc_tool.py PREFIX time N            wall time of N TOP requests, one
                                         by one: median and p90 in µs
    ipc_tool.py PREFIX garbage N SEED    N malformed requests and raw ring
                                         entries; every request that reaches
                                         the stack must get an error answer

Prints one JSON line of results; exit 0 when every check held.  A
request not answered within REQUEST_TIMEOUT seconds is a failure: long
enough for dozens of tools starting at once on a 2-core machine (the
64-tool test's first requests waited more than 5 s on a slow VM), short
enough that a stack that stopped answering is still caught.
"""

import json
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from fstools import _ffi  # noqa: E402
from fstools.stack import Stack  # noqa: E402

HDR = _ffi.HDR_SIZE


def header(**kw):
    base = dict(
        fm_magic=_ffi.FF_MSG_MAGIC,
        fm_version=_ffi.FF_MSG_ABI_VERSION,
        fm_type=_ffi.FF_MSG_ECHO,
        fm_len=HDR,
    )
    base.update(kw)
    return _ffi.encode_header(**base)


def ping(st, seconds=10.0):
    end = time.monotonic() + float(seconds)
    while True:
        try:
            st.echo(b"ping", proc=0)
            return {"ok": True}
        except _ffi.StackError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def echo(st, n, tag):
    for i in range(int(n)):
        body = ("%s:%d" % (tag, i)).encode()
        got = st.echo(body, proc=0)
        if got != body:
            return {"ok": False, "sent": body.decode(), "got": repr(got)}
    return {"ok": True, "count": int(n)}


def top(st, n):
    loops = []
    for _ in range(int(n)):
        loops.append(st.top(0).loops)
    return {"ok": loops == sorted(loops), "count": len(loops)}


def spin(st):
    st.top(0)
    print("spinning", flush=True)
    while True:
        st.top(0)


def churn(st):
    """Like spin, with a 0.5 ms pause between requests: dozens of these
    at once leave the stack and new tools some of the machine."""
    st.top(0)
    print("spinning", flush=True)
    while True:
        st.top(0)
        time.sleep(0.0005)


def time_requests(st, n):
    times = []
    for _ in range(int(n)):
        t0 = time.perf_counter()
        st.top(0)
        times.append((time.perf_counter() - t0) * 1e6)
    times.sort()
    return {
        "ok": True,
        "count": len(times),
        "median_us": round(times[len(times) // 2], 1),
        "p90_us": round(times[int(len(times) * 0.9)], 1),
    }


def garbage_message(rng):
    """A request that is wrong in one random way."""
    kind = rng.randrange(7)
    body = rng.randbytes(rng.randrange(0, 256))
    n = HDR + len(body)
    if kind == 0:  # random bytes, any length
        return kind, rng.randbytes(rng.randrange(0, 2048))
    if kind == 1:  # unknown type
        return kind, header(
            fm_type=rng.choice([0, 11, 15, 16, 255, 65535]), fm_len=n
        ) + body
    if kind == 2:  # fm_len disagrees with the length
        return kind, header(
            fm_len=rng.choice(
                [0, n - 1, n + 1, 2**32 - 1, _ffi.FF_MSG_SIZE + 1]
            )
        ) + body
    if kind == 3:  # wrong version or magic
        return kind, header(
            fm_version=rng.randrange(2, 65535), fm_len=n
        ) + body
    if kind == 4:
        return kind, header(fm_magic=rng.randrange(0, 0x4D45), fm_len=n) + body
    if kind == 5:  # claims to be an answer
        return kind, header(fm_flags=_ffi.FF_MSGF_REPLY, fm_len=n) + body
    return kind, rng.randbytes(rng.randrange(0, HDR))  # shorter than a header


def garbage(st, n, seed):
    rng = random.Random(int(seed))
    lib = _ffi.library()
    answered = errors = raw = 0
    for i in range(int(n)):
        if i % 5 == 4:
            # Doorbell bits of slots nobody filled; not of the slot this
            # tool claims next (the first free from its pid), whose own
            # bit would merge with the stray one.
            bits = rng.randrange(1, 2**64) & ~(1 << (os.getpid() % 64))
            lib.post_raw(0, bits)
            raw += bin(bits).count("1")
            continue
        kind, msg = garbage_message(rng)
        rep = lib.request(0, msg, 2000)
        answered += 1
        err = struct.unpack_from("<i", rep, 12)[0] if len(rep) >= 16 else 0
        if err == 0:
            return {"ok": False, "kind": kind, "msg": msg[:80].hex()}
        errors += 1
    alive = st.echo(b"still here", proc=0) == b"still here"
    return {
        "ok": alive and errors == answered,
        "answered": answered,
        "errors": errors,
        "raw": raw,
    }


REQUEST_TIMEOUT = 30.0


def main(argv):
    prefix, cmd, args = argv[1], argv[2], argv[3:]
    with Stack(prefix, timeout=REQUEST_TIMEOUT) as st:
        result = {
            "ping": ping,
            "echo": echo,
            "top": top,
            "spin": spin,
            "churn": churn,
            "time": time_requests,
            "garbage": garbage,
        }[cmd](st, *args)
    print(json.dumps(result))
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
