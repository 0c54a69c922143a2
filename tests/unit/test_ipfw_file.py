"""ff-ipfw against a fake stack.  FILE: the file's commands applied in
its order, consecutive adds in messages of as many rules as fit
(Stack.ipfw_add), every other command between them on its own; the
first command the stack refuses is named by file:line and nothing after
it is applied (ipfw(8) reads a file as one command per line).  list and
show: the whole listing as ipfw(8) prints it (golden lines), --json.
The stack here is a fake ipc.Session that answers FF_MSG_IPFW as
libff/src/net/ipfw_msg.c does: an ADD message is all or nothing and its
answer holds the rules it took; LIST answers the rules in number
order, in parts of three."""

import json

import ctypes

import pytest
from click.testing import CliRunner

from fstools import _ffi, ipc, ipfw, stack
from fstools.ipfw_rule import compile_rule

EINVAL, ENOENT = 22, 2
REQ = ctypes.sizeof(_ffi.IpfwReq)


class Session:
    """One stack per process: its rule numbers and tables; ``sent``
    every FF_MSG_IPFW request in order, ``refuse`` the rule numbers an
    ADD is refused for (EINVAL)."""

    def __init__(self, prefix=None, timeout=2.0):
        self.prefix, self.pids = prefix or "ff", [10]
        self.sent, self.refuse = [], set()
        self.rules, self.tables, self.records = {}, {}, {}

    def attach(self):
        return self

    def detach(self):
        pass

    def proc_ids(self, spec):
        if spec == "all":
            return [i for i, p in enumerate(self.pids) if p]
        return [int(spec)]

    def request_parts(self, proc, msg_type, body=b""):
        """LIST: the rules in number order (as added within a number),
        three a part."""
        req = _ffi.decode("ff_ipfw_req", body)
        assert req["fw_op"] == _ffi.FF_IPFW_LIST
        recs = sorted(
            self.records.get(proc, []),
            key=lambda r: int.from_bytes(r[4:6], "little"),
        )
        for i in range(0, max(len(recs), 1), 3):
            part = recs[i : i + 3]
            yield reply(proc, msg_type, b"".join(part), len(part))

    def request(self, proc, msg_type, body=b"", cursor=0):
        assert msg_type == _ffi.FF_MSG_IPFW
        req = _ffi.decode("ff_ipfw_req", body)
        data, op = body[REQ:], req["fw_op"]
        rules = self.rules.setdefault(proc, [])
        tables = self.tables.setdefault(proc, set())
        count = 0
        if op == _ffi.FF_IPFW_ADD:
            count = req["fw_count"]
            nums = [
                r["r_rulenum"] for r in _ffi.decode_ipfw_rules(data, count)
            ]
            refused = self.refuse.intersection(nums)
            self.sent.append((proc, "add", nums, bool(refused)))
            if refused:
                raise _ffi.stack_error(EINVAL)
            rules += nums
            self.records.setdefault(proc, []).extend(records(data, count))
        elif op == _ffi.FF_IPFW_DELETE:
            self.sent.append((proc, "delete", req["fw_rulenum"]))
            rules.remove(req["fw_rulenum"])
        elif op == _ffi.FF_IPFW_FLUSH:
            self.sent.append((proc, "flush"))
            rules.clear()
        elif op == _ffi.FF_IPFW_TABLE:
            sub, n = req["fw_subop"], req["fw_table"]
            self.sent.append((proc, "table", sub, n))
            if sub == _ffi.FF_IPFW_TABLE_CREATE:
                tables.add(n)
            elif n not in tables:
                raise _ffi.stack_error(ENOENT)
        else:
            raise AssertionError("unexpected ipfw op %d" % op)
        return reply(proc, msg_type, data if count else b"", count)


def records(data, count):
    """The rule records of an ADD, each as bytes."""
    out, pos = [], 0
    for _ in range(count):
        n = int.from_bytes(data[pos : pos + 4], "little")  # r_reclen
        out.append(data[pos : pos + n])
        pos += n
    return out


def reply(proc, msg_type, data, count):
    rep = _ffi.IpfwRep(
        fp_len=ctypes.sizeof(_ffi.IpfwRep),
        fp_count=count,
        fp_first=_ffi.HDR_SIZE + ctypes.sizeof(_ffi.IpfwRep),
    )
    return ipc.Reply(msg_type, 0, 0, proc, 1, bytes(rep) + data)


def rule(n):
    return "add %d count tcp from any to any 81" % n


class Stacks:
    """What the next Session is made with, and the Sessions made."""

    refuse = ()
    pids = (10,)
    records = None  # a stack's rules, kept from an earlier run

    def __init__(self):
        self.made = []

    def __call__(self, *a, **kw):
        s = Session(*a, **kw)
        s.refuse, s.pids = set(self.refuse), list(self.pids)
        if self.records is not None:
            s.records = self.records
        self.made.append(s)
        return s


@pytest.fixture
def stacks(monkeypatch):
    """ipc.Session replaced by Stacks(); two rules per ADD message."""
    made = Stacks()
    monkeypatch.setattr(ipc, "Session", made)
    size = len(compile_rule(rule(100).split()[1:]).encode())
    monkeypatch.setattr(stack.Stack, "_IPFW_BATCH", 2 * size)
    return made


def run(stacks, *args, refuse=(), pids=(10,)):
    """ff-ipfw args, the stack refusing the rule numbers ``refuse``:
    (exit status, output, the Session)."""
    stacks.refuse, stacks.pids = refuse, pids
    r = CliRunner().invoke(ipfw.command, [str(a) for a in args])
    return r.exit_code, r.output, stacks.made[-1]


def test_adds_batched_other_commands_in_order(stacks, tmp_path):
    f = tmp_path / "rules"
    f.write_text(
        "# the rule set\n"
        "%s\n"
        "\n"
        "ipfw %s   # the tool's name is taken off\n"
        "%s\n"
        "%s\n"
        "table 1 create\n"
        "%s\n"
        "delete 200\n"
        "flush\n"
        "table 1 add 198.18.0.0/24 7\n"
        "%s\n"
        "%s\n" % tuple(rule(n) for n in (100, 200, 300, 310, 400, 500, 600))
    )
    code, out, s = run(stacks, "-q", f)
    assert (code, out) == (0, "")
    assert s.sent == [
        (0, "add", [100, 200], False),
        (0, "add", [300, 310], False),
        (0, "table", _ffi.FF_IPFW_TABLE_CREATE, 1),
        (0, "add", [400], False),
        (0, "delete", 200),
        (0, "flush"),
        (0, "table", _ffi.FF_IPFW_TABLE_ADD, 1),
        (0, "add", [500, 600], False),
    ]
    assert s.rules[0] == [500, 600]


def test_each_process_gets_each_step_in_order(stacks, tmp_path):
    f = tmp_path / "rules"
    f.write_text(
        "%s\n%s\ndelete 100\n%s\n" % (rule(100), rule(200), rule(300))
    )
    code, out, s = run(stacks, f, pids=(10, 11))
    assert code == 0
    assert s.sent == [
        (0, "add", [100, 200], False),
        (1, "add", [100, 200], False),
        (0, "delete", 100),
        (1, "delete", 100),
        (0, "add", [300], False),
        (1, "add", [300], False),
    ]
    # Without -q the rules added are printed once, as the stack took them.
    assert out.splitlines() == [
        "00100 count tcp from any to any 81",
        "00200 count tcp from any to any 81",
        "00300 count tcp from any to any 81",
    ]


@pytest.mark.parametrize(
    "bad,line,kept",
    [
        (400, 5, [100, 200, 300]),  # second rule of a refused message
        (300, 4, [100, 200]),  # first rule of a refused message
        (100, 2, []),  # the very first rule
    ],
)
def test_refused_rule_named_by_line_later_ones_not_applied(
    stacks, tmp_path, bad, line, kept
):
    f = tmp_path / "rules"
    f.write_text(
        "# five rules, then a table\n"
        + "".join(rule(n) + "\n" for n in (100, 200, 300, 400, 500))
        + "table 1 create\n"
    )
    code, out, s = run(stacks, f, refuse=[bad])
    assert code == 1
    assert (
        "ff-ipfw: %s:%d: add: rule refused by the stack (Invalid argument)"
        % (f, line)
        in out
    )
    assert s.rules[0] == kept
    # The rules before the refused one are printed, as each line's add.
    assert [w.split()[0] for w in out.splitlines()[:-1]] == [
        "%05d" % n for n in kept
    ]
    assert not any(m[1] == "table" for m in s.sent)
    assert (0, "add", [bad], True) in s.sent  # found alone


def test_refused_table_command_named_by_line(stacks, tmp_path):
    f = tmp_path / "rules"
    f.write_text("%s\ntable 9 flush\n%s\n" % (rule(100), rule(200)))
    code, out, s = run(stacks, "-q", f)
    assert code == 1
    assert out == "ff-ipfw: %s:2: table_flush: table does not exist\n" % f
    assert s.rules[0] == [100]


def test_one_command_refused_names_no_line(stacks):
    code, out, _ = run(stacks, "table", 3, "destroy")
    assert code == 1
    assert out == "ff-ipfw: table_destroy: table does not exist\n"


def test_stack_ipfw_add_tells_what_was_taken(stacks):
    stacks.refuse = (500,)
    with stack.Stack(proc=0) as st:
        rules = [
            compile_rule(rule(n).split()[1:]) for n in range(100, 800, 100)
        ]
        with pytest.raises(stack.StackRefused) as e:
            st.ipfw_add(rules)
    # Messages of two: [100, 200], [300, 400] taken, [500, 600] refused.
    assert [r.rulenum for r in e.value.added] == [100, 200, 300, 400]
    assert e.value.refused == rules[4:6]
    assert st._session.rules[0] == [100, 200, 300, 400]


LISTED = [
    "00100 deny tcp from any to me 80",
    "00100 allow ip from any to any",
    "00200 allow tcp from any to me 80 setup keep-state",
    "00300 reject udp from 198.18.0.0/24 to any 53",
    "00600 count log icmp from any to any icmptypes 0,8",
    "00800 skipto 1000 ip from any to any out xmit f-stack-0",
    "00900 skipto tablearg ip from table(1) to any",
    "01300 prob 0.500000 deny icmp from any to any",
    "01400 deny tcp from any to any { established or tcpflags fin,!ack }",
    "02000 nat 1 tcp from any to 198.18.0.2 80 in",
]


def loaded(stacks, tmp_path, pids=(10,)):
    """LISTED added (in an order of its own) from a file."""
    f = tmp_path / "rules"
    order = LISTED[5:] + LISTED[:5]
    f.write_text("".join("add %s\n" % t for t in order))
    code, _, s = run(stacks, "-q", f, pids=pids)
    assert code == 0
    return s


def listing(stacks, s, *args, pids=(10,)):
    """ff-ipfw args against the stack ``s`` (its rules as loaded)."""
    stacks.records = s.records
    code, out, _ = run(stacks, *args, pids=pids)
    assert code == 0
    return out


def test_list_prints_every_rule_in_number_order(stacks, tmp_path):
    s = loaded(stacks, tmp_path)
    assert listing(stacks, s, "list").splitlines() == LISTED


def test_show_counters_one_width_per_column(stacks, tmp_path):
    s = loaded(stacks, tmp_path)
    recs = s.records[0]
    for i, (pcnt, bcnt) in {0: (3, 180), 4: (12, 1024)}.items():
        r = _ffi.IpfwRule.from_buffer_copy(recs[i][: _ffi.IPFW_RULE_SIZE])
        r.r_pcnt, r.r_bcnt = pcnt, bcnt
        recs[i] = bytes(r) + recs[i][_ffi.IPFW_RULE_SIZE :]
    out = listing(stacks, s, "show").splitlines()
    # recs[0] is LISTED[5], recs[4] LISTED[9]; the others count nothing.
    counts = {LISTED[5]: (3, 180), LISTED[9]: (12, 1024)}
    assert out == [
        "%s %2d %4d %s" % ((t[:5],) + counts.get(t, (0, 0)) + (t[6:],))
        for t in LISTED
    ]
    assert listing(stacks, s, "-a", "list") == "\n".join(out) + "\n"


def test_list_of_no_rules_prints_nothing(stacks):
    assert run(stacks, "list")[:2] == (0, "")


def test_list_json(stacks, tmp_path):
    s = loaded(stacks, tmp_path)
    got = json.loads(listing(stacks, s, "--json", "list"))
    assert [r["text"] for r in got] == LISTED
    assert got[7]["action"] == "prob 0.500000 deny"
    assert got[7]["body"] == "icmp from any to any"
    assert {r["proc_id"] for r in got} == {0}


def test_list_of_every_process_prefixed(stacks, tmp_path):
    s = loaded(stacks, tmp_path, pids=(10, 11))
    out = listing(stacks, s, "-P", "all", "list", pids=(10, 11))
    assert out.splitlines() == ["[0] " + t for t in LISTED] + [
        "[1] " + t for t in LISTED
    ]


def test_add_prints_the_rules_taken(stacks):
    code, out, _ = run(
        stacks, "add", "100", "count", "ip", "from", "any", "to", "any"
    )
    assert (code, out) == (0, "00100 count ip from any to any\n")
    code, out, _ = run(
        stacks,
        "--json",
        "add",
        "200",
        "deny",
        "icmp",
        "from",
        "any",
        "to",
        "me",
    )
    (rec,) = json.loads(out)
    assert (rec["rulenum"], rec["text"]) == (
        200,
        "00200 deny icmp from any to me",
    )
