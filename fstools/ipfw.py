"""ff-ipfw: the stack's firewall, as FreeBSD's ipfw(8).

    $ ff-ipfw add 100 deny tcp from any to me 80
    00100 deny tcp from any to me 80
    $ ff-ipfw show
    00100  3  180 deny tcp from any to me 80
    65535 25 2894 allow ip from any to any
    $ ff-ipfw table 1 add 198.18.0.0/24 1000
    $ ff-ipfw add 200 skipto tablearg ip from table(1) to any
    $ ff-ipfw set disable 1 enable 2
    $ ff-ipfw /etc/ff/rules
    ff-ipfw: /etc/ff/rules:3: invalid action alow
    $ ff-ipfw nat 1 config ip 198.18.0.2 redirect_port tcp \
          198.19.1.10:8080,198.19.1.11:8080 80
    $ ff-ipfw add 100 nat 1 tcp from any to 198.18.0.2 80 in
    $ ff-ipfw add 200 nat 1 tcp from 198.19.1.0/24 8080 to any out
    $ ff-ipfw nat 1 show config
    ipfw nat 1 config ip 198.18.0.2 redirect_port tcp 198.19.1.10:8080,198.19.1.11:8080 80
    $ ff-ipfw nat 1 show log       # after 1,000 HTTP requests
    nat 1: icmp=0, udp=0, tcp=1000 / tot=1000, in=5067, out=5041, new=1000, full=0, expired=0, frag=0, reset=0

Rules are compiled here (fstools.ipfw_rule) into the stack's instruction
list and checked again by the stack (FF_MSG_IPFW, in messages of as many
rules as fit: a rule set of any size loads and lists).  A file is read
whole and every line checked before the first is applied.  Changes go to
every stack process unless --proc names one; -P is --proc, as in
F-Stack's ipfw.  `nat N config|show config|show log|delete' manage
NAT instances (grammar in fstools.ipfw_nat); rules use them with the
action `nat N'.
"""

import os
import sys
from typing import NamedTuple

import click

from fstools import cli
from fstools import ipfw_nat
from fstools.ipfw_rule import RuleError, compile_rule
from fstools.stack import StackRefused
from fstools.views import ipfw as view

NAME = "ff-ipfw"


class Op(NamedTuple):
    """One parsed command: what to do, its arguments and, from a file,
    where it was written (``file:line``)."""

    kind: str
    args: tuple = ()
    where: str = ""


class Flags(NamedTuple):
    counters: bool = False  # -a (show)
    compact: bool = False  # -c
    dynamic: bool = False  # -d
    expired: bool = False  # -e
    check_only: bool = False  # -n
    quiet: bool = False  # -q
    show_set: bool = False  # -S
    stamps: bool = False  # -t
    names: bool = False  # -N
    force: bool = False  # -f


class BadCommand(ValueError):
    """A command the grammar refuses: str() is the message."""


# -- parsing ---------------------------------------------------------------------


def _rulenum(word, what="rule number"):
    if not word.isdigit():
        raise BadCommand("invalid %s %s" % (what, word))
    n = int(word)
    if not 1 <= n <= 65535:
        raise BadCommand("%s %s out of range" % (what, word))
    return n


def _range(word):
    lo, _, hi = word.partition("-")
    a = _rulenum(lo)
    return a, _rulenum(hi) if hi else a


def _set_num(word):
    if not word.isdigit() or int(word) > 31:
        raise BadCommand("invalid set number %s" % word)
    return int(word)


def _mask(words):
    m = 0
    for w in words:
        m |= 1 << _set_num(w)
    return m


def _parse_set(words):
    if not words or words[0] == "show":
        return Op("set_show")
    if words[0] in ("enable", "disable"):
        en, dis, cur = [], [], None
        for w in words:
            if w in ("enable", "disable"):
                cur = en if w == "enable" else dis
            else:
                cur.append(w)
        return Op("set_enable", (_mask(en), _mask(dis)))
    if words[0] == "move":
        if len(words) == 5 and words[1] == "rule" and words[3] == "to":
            return Op(
                "set_move_rule", (_rulenum(words[2]), _set_num(words[4]))
            )
        if len(words) == 4 and words[2] == "to":
            return Op("set_move", (_set_num(words[1]), _set_num(words[3])))
    if words[0] == "swap" and len(words) == 3:
        return Op("set_swap", (_set_num(words[1]), _set_num(words[2])))
    raise BadCommand("invalid set command %s" % " ".join(words))


def _entry(word):
    addr, _, plen = word.partition("/")
    parts = addr.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise BadCommand("bad table entry %s" % word)
    m = int(plen) if plen.isdigit() and int(plen) <= 32 else None
    if plen and m is None:
        raise BadCommand("bad table entry %s" % word)
    return addr, 32 if m is None else m


def _parse_table(words):
    if not words:
        raise BadCommand("table needs a number")
    if words[0] == "all" and len(words) == 2 and words[1] in ("list", "info"):
        return Op("table_all", (words[1],))
    if not words[0].isdigit() or int(words[0]) >= 65535:
        raise BadCommand("invalid table number %s" % words[0])
    n, rest = int(words[0]), words[1:]
    cmd = rest[0] if rest else "list"
    if cmd == "create":
        limit, i = 0, 1
        while i < len(rest):
            if (
                rest[i] == "type"
                and i + 1 < len(rest)
                and rest[i + 1] == "addr"
            ):
                i += 2
            elif rest[i] == "limit" and i + 1 < len(rest):
                if not rest[i + 1].isdigit():
                    raise BadCommand("invalid limit %s" % rest[i + 1])
                limit, i = int(rest[i + 1]), i + 2
            else:
                raise BadCommand("table create: unsupported %s" % rest[i])
        return Op("table_create", (n, limit))
    if cmd in ("destroy", "flush", "list", "info") and len(rest) <= 1:
        return Op("table_" + cmd, (n,))
    if cmd == "add" and len(rest) in (2, 3):
        value = 0
        if len(rest) == 3:
            if not rest[2].isdigit() or int(rest[2]) > 0xFFFFFFFE:
                raise BadCommand("invalid value %s" % rest[2])
            value = int(rest[2])
        return Op("table_add", (n, _entry(rest[1]) + (value,)))
    if cmd == "delete" and len(rest) == 2:
        return Op("table_delete", (n, _entry(rest[1])))
    raise BadCommand("invalid table command %s" % " ".join(rest))


def parse(words):
    """The words of one command (``add 100 deny ...``) -> Op."""
    if not words:
        raise BadCommand("missing command")
    cmd, rest = words[0], list(words[1:])
    try:
        if cmd == "add":
            return Op("add", (compile_rule(rest),))
        if cmd in ("delete", "del"):
            if rest[:1] == ["set"] and len(rest) == 2:
                return Op("delete_set", (_set_num(rest[1]),))
            if not rest:
                raise BadCommand("rule number required")
            return Op("delete", tuple(_rulenum(w) for w in rest))
        if cmd in ("list", "show"):
            return Op(cmd, tuple(_range(w) for w in rest))
        if cmd in ("zero", "resetlog"):
            return Op(cmd, tuple(_rulenum(w) for w in rest))
        if cmd == "flush" and not rest:
            return Op("flush")
        if cmd == "set":
            return _parse_set(rest)
        if cmd == "table":
            return _parse_table(rest)
        if cmd == "nat":
            kind, n, cfg = ipfw_nat.parse(rest)
            return Op(kind, (n, cfg))
    except (RuleError, ipfw_nat.NatError) as e:
        raise BadCommand(str(e)) from None
    raise BadCommand("bad command `%s'" % cmd)


def read_file(path):
    """Every command of a rules file (a leading ``ipfw`` is left out);
    each bad line reported as file:line, then the tool fails before
    anything is applied."""

    def line(words, where):
        if words[:1] == ["ipfw"] or words[:1] == [NAME]:
            words = words[1:]
        return parse(words)._replace(where=where) if words else None

    return cli.read_lines(NAME, path, line, BadCommand, "nothing applied")


# -- applying --------------------------------------------------------------------


def _show(st, out, flags, op, proc, many):
    ranges = op.args or ((0, 0),)
    rules = []
    for lo, hi in ranges:
        head, got = st.ipfw_rules(lo, hi, proc=proc)
        rules += got
    states = st.ipfw_states(proc=proc) if flags.dynamic else []
    if not flags.expired:  # expired, not yet freed by the second's sweep
        states = [s for s in states if s.expire > 0]
    counters = view.widths(rules, states) if op.kind == "show" else None
    prefix = "[%d] " % proc if many else ""
    if out.as_json:
        for r in rules:
            out.item(view.json_rule(proc, r))
    else:
        out.lines(
            prefix
            + view.rule_line(
                r,
                counters,
                flags.show_set,
                flags.stamps,
                flags.compact,
                flags.names,
            )
            for r in rules
        )
    if flags.dynamic and states:
        out.line("## Dynamic rules (%d):" % len(states))
        w = view.widths([], states)
        for s in states:
            out.item(view.json_state(s), [prefix + view.state_line(s, w)])


class Refused(Exception):
    """One command of a run refused by the stack: ``op`` (with its
    file:line) and ``error``, the StackRefused."""

    def __init__(self, op, error):
        super().__init__(op, error)
        self.op, self.error = op, error


def _add(st, out, flags, ops, proc, first):
    """Consecutive adds, in messages of as many rules as fit
    (Stack.ipfw_add).  A refused message took none of its rules: they
    go again one by one, so that the rules before the refused one are
    in and it is named (Refused), as when each line is a command."""
    rules = [op.args[0] for op in ops]
    done = 0

    def took(added):
        if not first or flags.quiet:
            return
        if out.as_json:
            for r in added:
                out.item(view.json_rule(proc, r))
        else:
            out.lines(view.rule_line(r) for r in added)

    while done < len(rules):
        try:
            took(st.ipfw_add(rules[done:], proc=proc))
            return
        except StackRefused as e:
            took(e.added)
            done += len(e.added)
            for _ in e.refused:
                try:
                    took(st.ipfw_add([rules[done]], proc=proc))
                except StackRefused as one:
                    raise Refused(ops[done], one) from None
                done += 1


def _each(st, out, numbers, fn, done, what):
    """zero/resetlog/delete of each rule number (none: all)."""
    for n in numbers or (0,):
        try:
            fn(n)
            if done:
                out.line(done % n if n else what)
        except StackRefused as e:
            if e.name != "ESRCH":
                raise
            out.warn("rule %d: setsockopt(IP_FW_XDEL): No such process" % n)


def _table_show(st, out, op, proc):
    n = op.args[0]
    if op.kind == "table_info":
        for t in st.ipfw_tables(n, proc=proc):
            out.item(view.json_table(proc, t), view.table_lines(t))
        return
    entries = st.ipfw_table_list(n, proc=proc)
    out.line("--- table(%d), set(0) ---" % n)
    for e in entries:
        out.item(view.json_entry(proc, e), [view.entry_line(e)])


def _table_all(st, out, op, proc):
    for t in st.ipfw_tables(None, proc=proc):
        if op.args[0] == "info":
            out.item(view.json_table(proc, t), view.table_lines(t))
        else:
            _table_show(st, out, Op("table_list", (t.table,)), proc)


def _confirm_flush(flags):
    if flags.quiet or flags.force or not sys.stdin.isatty():
        return True
    return click.confirm("Are you sure?", default=False)


def apply(st, out, flags, op, proc, first, many):
    """Run one parsed command against one stack process."""
    k, a = op.kind, op.args
    quiet = flags.quiet or not first
    if k in ("list", "show"):
        return _show(st, out, flags, op, proc, many)
    if k == "add":
        return _add(st, out, flags, [op], proc, first)
    if k == "delete":
        return _each(
            st, out, a, lambda n: st.ipfw_delete(n, proc=proc), None, ""
        )
    if k == "delete_set":
        return st.ipfw_delete_set(a[0], proc=proc)
    if k == "zero":
        return _each(
            st,
            out,
            a,
            lambda n: st.ipfw_zero(n, proc=proc),
            None if quiet else "Entry %d cleared",
            "Accounting cleared.",
        )
    if k == "resetlog":
        return _each(
            st,
            out,
            a,
            lambda n: st.ipfw_resetlog(n, proc=proc),
            None if quiet else "Entry %d logging count reset",
            "Logging counts reset.",
        )
    if k == "flush":
        st.ipfw_flush(proc=proc)
        if not quiet:
            out.line("Flushed all rules.")
        return None
    if k == "set_show":
        disabled = st.ipfw_sets(proc=proc)
        return out.item(
            {"proc_id": proc, "disabled": disabled},
            [view.sets_line(disabled)],
        )
    if k.startswith("set_"):
        return _set(st, k, a, proc)
    if k.startswith("table_"):
        return _table(st, out, op, proc)
    if k.startswith("nat_"):
        return _nat(st, out, op, proc, many)
    raise BadCommand(k)


def _nat(st, out, op, proc, many):
    k, (n, cfg) = op.kind, op.args
    if k == "nat_config":
        return st.ipfw_nat_config(cfg, proc=proc)
    if k == "nat_delete":
        return st.ipfw_nat_delete(n, proc=proc)
    line = view.nat_log_line if k == "nat_show_log" else view.nat_config_line
    prefix = "[%d] " % proc if many else ""
    for inst in st.ipfw_nats(n, proc=proc):
        out.item(view.json_nat(inst), [prefix + line(inst)])
    return None


def _set(st, k, a, proc):
    if k == "set_enable":
        st.ipfw_set_enable(a[0], a[1], proc=proc)
    elif k == "set_move_rule":
        st.ipfw_set_move_rule(a[0], a[1], proc=proc)
    elif k == "set_move":
        st.ipfw_set_move(a[0], a[1], proc=proc)
    else:
        st.ipfw_set_swap(a[0], a[1], proc=proc)


def _table(st, out, op, proc):
    k, a = op.kind, op.args
    if k == "table_create":
        st.ipfw_table_create(a[0], a[1], proc=proc)
    elif k == "table_destroy":
        st.ipfw_table_destroy(a[0], proc=proc)
    elif k == "table_flush":
        st.ipfw_table_flush(a[0], proc=proc)
    elif k == "table_add":
        st.ipfw_table_add(a[0], [a[1]], proc=proc)
    elif k == "table_delete":
        st.ipfw_table_delete(a[0], [a[1]], proc=proc)
    elif k == "table_all":
        _table_all(st, out, op, proc)
    else:
        _table_show(st, out, op, proc)


READS = (
    "list",
    "show",
    "set_show",
    "table_list",
    "table_info",
    "table_all",
    "nat_show_config",
    "nat_show_log",
)

# ipfw(8)'s words for the stack's refusals.
ERRORS = {
    "ENOENT": "table does not exist",
    "EEXIST": "table already exists",
    "EBUSY": "table is referenced by rules",
    "ENOSPC": "table is full",
    "ESRCH": "no such rule, entry or nat instance",
    "EINVAL": "rule refused by the stack (Invalid argument)",
}


def batches(ops):
    """The commands in order, each run of consecutive adds as one list
    (sent in messages of as many as fit), every other command alone:
    an add after a delete, a flush or a table command sees it done."""
    out = []
    for op in ops:
        if op.kind == "add" and out and out[-1][0].kind == "add":
            out[-1].append(op)
        else:
            out.append([op])
    return out


def run(st, out, flags, ops):
    """Apply the commands in order to every target process; stop at the
    first the stack refuses (the ones before it stay applied), naming it
    (file:line, from a file)."""
    for batch in batches(ops):
        op = batch[0]
        if flags.check_only and op.kind not in READS:
            continue
        procs = st.targets(writing=op.kind not in READS)
        for i, proc in enumerate(procs):
            try:
                if op.kind == "add":
                    _add(st, out, flags, batch, proc, i == 0)
                else:
                    apply(st, out, flags, op, proc, i == 0, len(procs) > 1)
            except Refused as r:
                return _refused(out, r.op, r.error, proc, len(procs) > 1)
            except StackRefused as e:
                return _refused(out, op, e, proc, len(procs) > 1)


def _refused(out, op, e, proc, many):
    out.warn(
        "%s%s%s: %s"
        % (
            op.where + ": " if op.where else "",
            "proc %d: " % proc if many else "",
            op.kind,
            ERRORS.get(e.name, e.message),
        )
    )


def _flags(**kw):
    return Flags(**kw)


@cli.command(
    NAME,
    words=True,
    epilog=cli.examples(
        "ff-ipfw show",
        "ff-ipfw -a list 100-200",
        "ff-ipfw add 100 deny tcp from any to me 80",
        "ff-ipfw add 200 reject udp from 198.18.0.0/24 to any 53",
        "ff-ipfw add 300 allow tcp from any to me 80 setup keep-state",
        "ff-ipfw add 400 count log logamount 10 icmp from any to any",
        "ff-ipfw -d show",
        "ff-ipfw delete 100",
        "ff-ipfw zero 100",
        "ff-ipfw set disable 1 enable 2",
        "ff-ipfw table 1 add 198.18.0.0/24 1000",
        "ff-ipfw add 500 skipto tablearg ip from table(1) to any",
        "ff-ipfw -q flush",
        "ff-ipfw /etc/ff/rules",
        "ff-ipfw -P all --json show",
        "ff-ipfw nat 1 config ip 198.18.0.2 redirect_port tcp "
        "198.19.1.10:8080,198.19.1.11:8080 80",
        "ff-ipfw add 100 nat 1 tcp from any to 198.18.0.2 80 in",
        "ff-ipfw nat 1 show config",
        "ff-ipfw --json nat 1 show log",
        "ff-ipfw nat 1 delete",
    ),
)
@cli.common_options(proc_short="-P", prefix_short=None)
@click.option(
    "-a",
    "--counters",
    "counters",
    is_flag=True,
    help="list: counters too (as show).",
)
@click.option(
    "-c",
    "--compact",
    "compact",
    is_flag=True,
    help="Leave out 'ip from any to any'.",
)
@click.option(
    "-d", "--dynamic", "dynamic", is_flag=True, help="Dynamic rules too."
)
@click.option(
    "-e",
    "--expired",
    "expired",
    is_flag=True,
    help="With -d: expired ones too.",
)
@click.option(
    "-f", "--force", "force", is_flag=True, help="flush: do not ask."
)
@click.option(
    "-n", "--check", "check_only", is_flag=True, help="Check the syntax only."
)
@click.option(
    "-q",
    "--quiet",
    "quiet",
    is_flag=True,
    help="No output for add, zero, resetlog, flush.",
)
@click.option(
    "-S", "--sets", "show_set", is_flag=True, help="Each rule's set."
)
@click.option(
    "-t",
    "--times",
    "stamps",
    is_flag=True,
    help="Each rule's last match time.",
)
@click.option(
    "-N", "--names", "names", is_flag=True, help="Ports by service name."
)
@cli.words_argument("[command [args...] | file]")
def command(common, words, **kw):
    """Show and change the stack's firewall rules, as FreeBSD's ipfw(8)."""
    flags = _flags(**kw)
    words = list(words)
    if not words:
        raise click.UsageError("missing command")
    if len(words) == 1 and (
        os.path.sep in words[0] or os.path.isfile(words[0])
    ):
        ops = read_file(words[0])
    else:
        try:
            ops = [parse(words)]
        except BadCommand as e:
            cli.fail(NAME, str(e))
    if flags.counters and ops[0].kind == "list":
        ops[0] = ops[0]._replace(kind="show")
    if any(op.kind == "flush" for op in ops) and not _confirm_flush(flags):
        return
    out = common.out(NAME)
    if flags.check_only and not any(op.kind in READS for op in ops):
        out.finish()
        return
    with common.stack() as st:
        run(st, out, flags, ops)
    out.finish()


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
