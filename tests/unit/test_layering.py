"""The layering of libff/src is a test: DESIGN.md's "protocols reach ports
only through struct ifnet and its ops; only dpdk/ includes DPDK's ethdev
headers" and its relatives, checked on the include graph of the sources
(every #include line) and on the symbols each object file under build/
imports (nm -u).

Every rule is one row of RULES, with its reason.  A row names a scope
(source directories, or single files), what they must not reach (header
names or imported symbols, as regular expressions), and the exceptions
(seam files, allowed symbols).  Row kinds:
  include      a file in scope has a matching #include (with
               transitive=True: anywhere among the stack's own headers
               it pulls in);
  symbol       an object in scope imports a matching symbol;
  defined_in   an object in scope imports a symbol that an object of
               another directory defines (a call into that layer);
  python       a Python module in scope imports a matching module.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "libff" / "src"
BUILD = REPO / "build"

STACK = ("kern", "net", "netinet")

# The tools: one thin module each over fstools.Stack.
TOOLS = (
    "top",
    "traffic",
    "sysctl",
    "ifconfig",
    "route",
    "arp",
    "exporter",
    "ipfw",
    "netstat",
)

# The seam headers: the only stack files that include DPDK headers, and
# which ones.  kern/mbuf.h is the packet buffer (FreeBSD's sys/mbuf.h
# over rte_mbuf); netinet/in_cksum.h the Internet checksum over DPDK's
# inline one's-complement sums.
SEAMS = {"kern/mbuf.h": {"rte_mbuf.h"}, "netinet/in_cksum.h": {"rte_ip.h"}}

# What the seams' static inlines import when they are compiled into a
# stack object: the mempool's ops table and lcore id (rte_pktmbuf_alloc/
# free through the mempool cache), the read of data that spans segments,
# the bulk free, the pool's free count, and the panic of RTE_VERIFY in
# the mempool inlines.
SEAM_SYMBOLS = {
    "rte_mempool_ops_table",
    "per_lcore__lcore_id",
    "__rte_pktmbuf_read",
    "rte_pktmbuf_free_bulk",
    "rte_mempool_avail_count",
    "__rte_panic",
}

RULES = [
    dict(
        name="stack-no-dpdk-include",
        kind="include",
        scope=STACK,
        forbid=r"^<rte_|^dpdk/|^<dpdk/",
        allow=SEAMS,
        reason="protocols must not know DPDK exists: they reach packets "
        "through kern/mbuf.h and ports through net/ff_port.h",
    ),
    dict(
        name="stack-no-rte-symbol",
        kind="symbol",
        scope=STACK,
        forbid=r"^(rte_|__rte_|per_lcore_)",
        allow=SEAM_SYMBOLS,
        reason="no call into DPDK from kern/net/netinet beyond what the "
        "seam's inline mbuf accessors compile to",
    ),
    dict(
        name="only-dpdk-includes-ethdev",
        kind="include",
        scope=("core", "ipc", "kern", "net", "netinet", "testport"),
        forbid=r"^<rte_ethdev\.h>$|^<rte_ethdev_",
        allow={},
        reason="ports are opened, configured and polled by dpdk/ alone; "
        "everything else sees struct ff_port and its ops",
    ),
    dict(
        name="only-dpdk-calls-rte-eth",
        kind="symbol",
        scope=("core", "ipc", "kern", "net", "netinet", "testport"),
        forbid=r"^rte_eth_",
        allow=set(),
        reason="the same, on what the objects actually call",
    ),
    dict(
        name="netinet-no-ipc",
        kind="include",
        scope=("netinet",),
        forbid=r"^ipc/",
        allow={},
        reason="protocols do not answer tools: the message handlers in "
        "net/ and kern/ read protocol state and call the protocols",
    ),
    dict(
        name="kern-no-netinet-include",
        kind="include",
        scope=("kern",),
        forbid=r"^netinet/",
        allow={},
        transitive=True,
        reason="kern/ (sockets, mbufs, domains) reaches protocols only "
        "through struct protosw / struct domain, as FreeBSD's does",
    ),
    dict(
        name="kern-calls-no-netinet",
        kind="defined_in",
        scope=("kern",),
        forbid="netinet",
        allow=set(),
        reason="the same, on what kern/ objects call: set-up, drain, "
        "timers and tear-down go through pr_init/pr_drain/...",
    ),
    # ---- Python rules: modules of fstools/, by what they import ---------
    dict(
        name="only-ffi-imports-ctypes",
        kind="python",
        scope=("fstools",),
        forbid=r"^ctypes(\.|$)",
        allow={"fstools/_ffi.py"},
        reason="one module loads the library and declares every "
        "signature; everything above it sees dataclasses, never ctypes",
    ),
    dict(
        name="tools-no-ffi",
        kind="python",
        scope=tuple("fstools/%s.py" % t for t in TOOLS),
        forbid=r"^fstools\._ffi$",
        allow={},
        reason="a tool is its BSD grammar over fstools.Stack and the "
        "renderer: it never reaches the library's ABI itself",
    ),
]

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def includes(path):
    """The headers a file includes: "<x.h>" for system ones, "dir/x.h"
    for the stack's own."""
    text = path.read_text(errors="replace")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return [
        "<%s>" % name if kind == "<" else name
        for kind, name in INCLUDE_RE.findall(text)
    ]


def sources(dirs):
    for d in dirs:
        for p in sorted((SRC / d).glob("*.[ch]")):
            yield "%s/%s" % (d, p.name), p


def objects():
    """{"dir/name.o": path} of libff/src objects anywhere under build/."""
    found = {}
    for p in sorted(BUILD.rglob("*.o")):
        parts = p.parts
        if "src" not in parts:
            continue
        i = len(parts) - 1 - parts[::-1].index("src")
        if i < 1 or parts[i - 1] != "libff" or len(parts) - i != 3:
            continue
        found.setdefault("%s/%s" % (parts[i + 1], parts[i + 2]), p)
    return found


def nm(objs, *flags):
    """{"dir/x.o": {symbol, ...}} from one nm run over every object."""
    names = {str(p): n for n, p in objs.items()}
    out = subprocess.run(
        ["nm", "-A", *flags, *names],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    syms = {n: set() for n in objs}
    for line in out.splitlines():
        path, _, rest = line.partition(":")
        if rest.split():
            syms[names[path]].add(rest.split()[-1])
    return syms


def closure(graph, name):
    """Everything name includes, directly or through the stack's own
    headers (system headers are not followed)."""
    seen, todo = [], list(graph.get(name, ()))
    while todo:
        inc = todo.pop(0)
        if inc not in seen:
            seen.append(inc)
            todo.extend(graph.get(inc, ()))
    return seen


def check_include(rule, graph):
    """graph: {"dir/file": [included, ...]} -> violation lines."""
    bad = []
    for name, incs in sorted(graph.items()):
        if name.split("/")[0] not in rule["scope"]:
            continue
        if rule.get("transitive"):
            incs = closure(graph, name)
        ok = rule["allow"].get(name, set())
        for inc in incs:
            if not re.search(rule["forbid"], inc) or inc.strip("<>") in ok:
                continue
            bad.append("%s includes %s" % (name, inc))
    return bad


def check_symbol(rule, imports):
    """imports: {"dir/x.o": {symbol, ...}} -> violation lines."""
    bad = []
    for name, syms in sorted(imports.items()):
        if name.split("/")[0] not in rule["scope"]:
            continue
        for s in sorted(syms):
            if re.search(rule["forbid"], s) and s not in rule["allow"]:
                bad.append("%s imports %s" % (name, s))
    return bad


def check_defined_in(rule, imports, defined):
    """defined: {"dir/x.o": {global symbol, ...}}."""
    theirs = {}
    for name, syms in defined.items():
        if name.split("/")[0] == rule["forbid"]:
            for s in syms:
                theirs[s] = name
    bad = []
    for name, syms in sorted(imports.items()):
        if name.split("/")[0] not in rule["scope"]:
            continue
        for s in sorted(syms & set(theirs)):
            if s not in rule["allow"]:
                bad.append("%s calls %s (%s)" % (name, s, theirs[s]))
    return bad


@pytest.fixture(scope="module")
def graph():
    dirs = sorted(p.name for p in SRC.iterdir() if p.is_dir())
    return {name: includes(p) for name, p in sources(dirs)}


@pytest.fixture(scope="module")
def objs():
    found = objects()
    assert found, "no objects under build/: run make first"
    return found


@pytest.fixture(scope="module")
def imports(objs):
    return nm(objs, "-u")


@pytest.fixture(scope="module")
def defined(objs):
    return nm(objs, "-g", "--defined-only")


def python_imports(path):
    """The modules a Python file imports, absolute ("fstools._ffi" for
    `from . import _ffi` in fstools/)."""
    tree = ast.parse(path.read_text())
    pkg = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            found.append(base)
            found += ["%s.%s" % (base, a.name) for a in node.names]
    return found


def check_python(rule):
    """Files in scope (directories or files under the repository) that
    import a forbidden module, as "file imports module"."""
    bad = []
    for scope in rule["scope"]:
        root = REPO / scope
        files = [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
        for f in files:
            if not f.exists():
                continue
            name = str(f.relative_to(REPO))
            if name in rule["allow"]:
                continue
            bad += [
                "%s imports %s" % (name, m)
                for m in sorted(set(python_imports(f)))
                if re.search(rule["forbid"], m)
            ]
    return bad


def check(rule, graph, imports, defined):
    if rule["kind"] == "python":
        return check_python(rule)
    if rule["kind"] == "include":
        return check_include(rule, graph)
    if rule["kind"] == "symbol":
        return check_symbol(rule, imports)
    return check_defined_in(rule, imports, defined)


@pytest.mark.parametrize("rule", RULES, ids=[r["name"] for r in RULES])
def test_rule(rule, graph, imports, defined):
    bad = check(rule, graph, imports, defined)
    assert not bad, "layering rule %s broken (%s):\n  %s" % (
        rule["name"],
        rule["reason"],
        "\n  ".join(bad),
    )


def test_rules_see_what_they_check(graph, objs):
    """The checks read something: every stack directory has sources and
    objects, and the seams exist and include what they are allowed to."""
    for d in STACK + ("dpdk",):
        assert any(n.startswith(d + "/") for n in graph), d
        assert any(n.startswith(d + "/") for n in objs), d
    for seam, allowed in SEAMS.items():
        assert {"<%s>" % h for h in allowed} <= set(graph[seam]), seam


def rule(name):
    return next(r for r in RULES if r["name"] == name)


def test_checker_catches_a_broken_include():
    """A DPDK header in a protocol, an ipc header in netinet, and rte_ip.h
    in the mbuf seam (allowed only rte_mbuf.h) are each reported; dpdk/
    and the seam's own rte_mbuf.h are not."""
    g = {
        "netinet/ip_input.c": ["kern/mbuf.h", "<rte_ethdev.h>"],
        "netinet/tcp_input.c": ["ipc/ff_msg_server.h"],
        "kern/mbuf.h": ["<rte_mbuf.h>", "<rte_ip.h>"],
        "dpdk/ff_dpdk_port.c": ["<rte_ethdev.h>", "net/ff_port.h"],
    }
    assert check_include(rule("stack-no-dpdk-include"), g) == [
        "kern/mbuf.h includes <rte_ip.h>",
        "netinet/ip_input.c includes <rte_ethdev.h>",
    ]
    assert check_include(rule("only-dpdk-includes-ethdev"), g) == [
        "netinet/ip_input.c includes <rte_ethdev.h>"
    ]
    assert check_include(rule("netinet-no-ipc"), g) == [
        "netinet/tcp_input.c includes ipc/ff_msg_server.h"
    ]


def test_checker_follows_headers():
    """kern/ reaching a netinet header through a net/ header is caught."""
    g = {
        "kern/uipc_socket.c": ["core/ff_ctx.h", "net/if_var.h"],
        "net/if_var.h": ["<stdint.h>", "netinet/in_var.h"],
        "netinet/in_var.h": ["<netinet/in.h>"],
    }
    assert check_include(rule("kern-no-netinet-include"), g) == [
        "kern/uipc_socket.c includes netinet/in_var.h"
    ]


def test_checker_catches_a_broken_call():
    imports = {
        "netinet/ip_input.o": {
            "rte_eth_rx_burst",
            "memcpy",
            "rte_mempool_ops_table",
        },
        "kern/kern_mbuf.o": {"tcp_drain", "memset"},
    }
    defined = {
        "netinet/tcp_subr.o": {"tcp_drain"},
        "kern/kern_mbuf.o": {"mbuf_init"},
    }
    assert check_symbol(rule("stack-no-rte-symbol"), imports) == [
        "netinet/ip_input.o imports rte_eth_rx_burst"
    ]
    assert check_symbol(rule("only-dpdk-calls-rte-eth"), imports) == [
        "netinet/ip_input.o imports rte_eth_rx_burst"
    ]
    assert check_defined_in(
        rule("kern-calls-no-netinet"), imports, defined
    ) == ["kern/kern_mbuf.o calls tcp_drain (netinet/tcp_subr.o)"]


def test_python_checker_catches_a_forbidden_import(tmp_path, monkeypatch):
    """ctypes imported by a tool, by `import` or `from`, is reported."""
    pkg = tmp_path / "fstools"
    pkg.mkdir()
    (pkg / "_ffi.py").write_text("import ctypes\n")
    (pkg / "top.py").write_text("from ctypes import c_int\n")
    (pkg / "arp.py").write_text("from . import _ffi\nimport os\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    assert check_python(rule("only-ffi-imports-ctypes")) == [
        "fstools/top.py imports ctypes",
        "fstools/top.py imports ctypes.c_int",
    ]
    assert check_python(rule("tools-no-ffi")) == [
        "fstools/arp.py imports fstools._ffi"
    ]
