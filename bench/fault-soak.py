#!/usr/bin/env python3
"""The parts of bench/fault-soak.sh that are easier in Python than in bash.

  fault-soak.py schedule SEED SECONDS        the run's faults and operator changes, as TSV
  fault-soak.py kill-on-commit DIR PID MARKER SKIP TIMEOUT_S
                                             SIGKILL PID the moment DIR/state.json is replaced
  fault-soak.py check WORK_DIR               the end-of-run checks; exit 0 only if all pass

Everything the checks read is written by fault-soak.sh into WORK_DIR (see its header).
"""
import ctypes
import json
import os
import random
import select
import signal
import statistics
import struct
import sys
import time

NODES = ["auth-1", "auth-2", "auth-3"]
STEADY = "auth-1"              # never killed: its memory is measured over the whole run
KILLABLE = ["auth-2", "auth-3"]
# The verdicts README.md documents for rampart.v1.Auth (rampart-load reports UNSPECIFIED as
# answered but uncounted, see answeredUndocumented below).
DOCUMENTED_VERDICTS = {"ALLOW", "INVALID_TOKEN", "EXPIRED", "REVOKED", "RATE_LIMITED_IP",
                       "RATE_LIMITED_USER", "RATE_LIMITED_GLOBAL", "BLOCKED"}
# Memory: fail if the median RSS of the last third of a process's settled samples exceeds the
# first third's median by more than this.
RSS_GROWTH_RATIO = 0.20
RSS_GROWTH_KB = 10 * 1024
RSS_SETTLE_MS = 10_000         # samples this soon after a (re)start are not used
RSS_MIN_SAMPLES = 9
# Errors from rampart-load are expected only while its node was down; a gRPC call has a 5 s
# deadline and the channel's reconnect backoff can keep failing calls for a few seconds after the
# node is back, hence the grace.
ERROR_GRACE_MS = 8_000


def now_ms():
    return int(time.time() * 1000)


# --------------------------------------------------------------------------- schedule

def make_schedule(seed, seconds):
    """Faults and operator changes at random moments, from one seed (so SOAK_SEED replays it).

    Lines: t_ms, action, node, a, b. Actions: op NODE KIND a b; kill NODE; restart NODE;
    redis-kill; redis-restart; storm NODE MODE DELAY_MS (MODE "commit": kill the node the moment
    it replaces state.json; "random": kill after DELAY_MS), followed by a restart line.
    """
    rng = random.Random(seed)
    end = seconds * 1000
    last_event = end - 8_000        # leave time for the last restart to finish
    for attempt in range(200):
        events = []
        down_until = {n: 0 for n in NODES}
        busy_until = {n: 0 for n in NODES}   # a storm is running there
        redis_down_until = 0
        t = 3_000
        while True:
            t += rng.randint(700, 2_000)
            if t >= last_event:
                break
            up = [n for n in NODES if down_until[n] <= t and busy_until[n] <= t]
            killable = [n for n in KILLABLE if n in up]
            kind = rng.choices(["op", "kill", "redis", "storm"], weights=[70, 11, 5, 8])[0]
            if kind == "kill" and killable:
                node = rng.choice(killable)
                down = rng.randint(1_000, 4_000)
                events.append((t, "kill", node, "", ""))
                events.append((t + down, "restart", node, "", ""))
                down_until[node] = t + down + 1_500
            elif kind == "redis" and redis_down_until <= t:
                down = rng.randint(1_000, 5_000)
                events.append((t, "redis-kill", "", "", ""))
                events.append((t + down, "redis-restart", "", "", ""))
                redis_down_until = t + down + 1_000
            elif kind == "storm" and killable:
                node = rng.choice(killable)
                mode = rng.choice(["commit", "random"])
                delay = rng.randint(300, 1_500)
                down = rng.randint(1_000, 3_000)
                events.append((t, "storm", node, mode, str(delay)))
                # The kill comes at most 3 s after the storm starts (a "commit" storm falls back
                # to a plain kill then); the restart follows it.
                events.append((t + 3_000 + down, "restart", node, "", ""))
                busy_until[node] = t + 3_000 + down + 1_500
                down_until[node] = busy_until[node]
            elif up:
                node = rng.choice(up)
                op = rng.choices(["limits", "block", "unblock", "revoke"], weights=[35, 30, 10, 25])[0]
                a = b = ""
                if op == "limits":
                    a, b = str(rng.randint(20, 80)), str(rng.randint(10, 60))
                events.append((t, "op", node, op, a + ("," + b if b else "")))
        actions = [e[1] for e in events]
        modes = [e[3] for e in events if e[1] == "storm"]
        # Every kind of fault at least once, even in the one-minute form.
        if "kill" in actions and "redis-kill" in actions and "commit" in modes and actions.count("op") >= 10:
            break
    events.sort(key=lambda e: e[0])
    return events


# --------------------------------------------------------------------------- kill-on-commit

IN_MODIFY = 0x00000002
IN_MOVED_TO = 0x00000080


def persisted_change(mask, name):
    """A change has just been persisted: state.json replaced by a rename (a snapshot), or a write
    to another state file such as a journal, not the temp file a snapshot is written to first
    nor the audit log."""
    if mask & IN_MOVED_TO:
        return name == b"state.json"
    return (mask & IN_MODIFY) != 0 and name.startswith(b"state") and not name.endswith(b".tmp")


def kill_on_commit(directory, pid, marker, skip, timeout_s):
    """SIGKILLs PID right after it persists its (SKIP+1)-th change in DIRECTORY (see
    persisted_change): the moment a change is on disk but may not be in the audit log yet. Writes MARKER first, so the soak
    knows the death was its own doing, and MARKER.armed once it watches. Exit 0 if it killed, 3 if
    the timeout came first."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
    if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_MOVED_TO | IN_MODIFY) < 0:
        return 4
    with open(marker + ".armed", "w"):
        pass
    deadline = time.monotonic() + timeout_s
    seen = 0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            continue
        offset = 0
        while offset < len(data):
            _, mask, _, length = struct.unpack_from("iIII", data, offset)
            name = data[offset + 16: offset + 16 + length].rstrip(b"\0")
            offset += 16 + length
            if persisted_change(mask, name):
                seen += 1
                if seen > skip:
                    with open(marker, "w") as out:
                        out.write(f"{now_ms()}\n")
                    os.kill(pid, signal.SIGKILL)
                    return 0
    return 3


# --------------------------------------------------------------------------- check helpers

def read_tsv(path, width):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < width:
                continue
            rows.append(parts)
    return rows


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def as_int(value):
    return int(value) if value not in (None, "") else 0


def node_result(doc):
    """rampartctl --json prints one entry per node; the soak always names one node."""
    if not isinstance(doc, list) or len(doc) != 1 or not isinstance(doc[0], dict):
        return None
    return doc[0]


class Report:
    def __init__(self):
        self.results = []   # (name, ok, lines)

    def add(self, name, ok, lines):
        self.results.append((name, ok, lines))


def down_windows(events, t_end):
    """Per node: [start, end] intervals in which it was not serving (killed or died, until its
    ready file appeared again)."""
    windows = {n: [] for n in NODES}
    open_since = {}
    for t, kind, node, _pid, _info in events:
        t = int(t)
        if kind in ("kill", "died") and node in NODES and node not in open_since:
            open_since[node] = t
        elif kind == "ready" and node in open_since:
            windows[node].append((open_since.pop(node), t))
    for node, since in open_since.items():
        windows[node].append((since, t_end))
    return windows


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


# --------------------------------------------------------------------------- check (a)

def check_processes(work, events, report):
    lines, ok = [], True
    killed = sum(1 for e in events if e[1] == "kill")
    unexpected = [e for e in events if e[1] == "died"]
    for t, _, node, pid, info in unexpected:
        ok = False
        why = " — a clean shutdown, as on SIGTERM/SIGINT, which the soak did not send" if info == "0" else ""
        lines.append(f"{node} pid {pid} exited on its own (status {info}{why}) at +{(int(t) - T0) / 1000:.1f}s")
    for t, _, node, pid, info in (e for e in events if e[1] == "stopped"):
        if info != "0":
            ok = False
            lines.append(f"{node} pid {pid} did not exit cleanly on SIGTERM at the end: {info}")
    for t, _, node, pid, info in (e for e in events if e[1] == "exit"):
        if info != "137":
            ok = False
            lines.append(f"{node} pid {pid} was SIGKILLed but its exit status was {info}, not 137")
    bad_words = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                 "terminate called", "Segmentation fault", "stack smashing", "double free",
                 "free(): ", "malloc(): ", "Assertion", "[critical]")
    for node in NODES:
        path = os.path.join(work, node, "agent.log")
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                for number, line in enumerate(f, 1):
                    if any(w in line for w in bad_words):
                        ok = False
                        lines.append(f"{node}/agent.log:{number}: {line.strip()[:200]}")
        for name in os.listdir(os.path.join(work, node)):
            if name == "core" or name.startswith("core."):
                ok = False
                lines.append(f"core file {node}/{name}")
    for t, _, _, pid, info in (e for e in events if e[1] == "redis-died"):
        ok = False
        lines.append(f"redis-server pid {pid} exited on its own ({info})")
    lines.insert(0, f"{killed} SIGKILLs by the soak, {len(unexpected)} unexpected exits")
    report.add("(a) no agent died except the ones the soak killed", ok, lines)


# --------------------------------------------------------------------------- check (b)

def parse_ops(work):
    ops = []
    for row in read_tsv(os.path.join(work, "ops.tsv"), 10):
        op_id, t0, t1, node, kind, tag, target, rc, outfile, params = row[:10]
        doc = load_json(outfile)
        entry = node_result(doc)
        acked = rc == "0" and entry is not None and entry.get("ok") is True
        ops.append({"id": op_id, "t0": int(t0), "t1": int(t1), "node": node, "kind": kind,
                    "tag": tag, "target": target, "rc": int(rc), "params": params,
                    "acked": acked, "result": (entry or {}).get("result") or {},
                    "error": (entry or {}).get("error", "" if entry else "no JSON output")})
    return ops


def audit_entries(work, node):
    doc = node_result(load_json(os.path.join(work, "final", f"{node}-audit.json")))
    if not doc or not doc.get("ok"):
        return None
    out = []
    for e in doc.get("result", {}).get("entries", []):
        def parse(text):
            try:
                return json.loads(text) if text else None
            except ValueError:
                return None
        out.append({"action": e.get("action", ""), "before": parse(e.get("before_json", "")),
                    "after": parse(e.get("after_json", "")), "result": e.get("result", ""),
                    "time": as_int(e.get("time_unix_ms"))})
    return out


def final_result(work, node, what):
    doc = node_result(load_json(os.path.join(work, "final", f"{node}-{what}.json")))
    return doc.get("result") if doc and doc.get("ok") else None


def rule_eq(a, b):
    return abs(float(a or 0) - float(b or 0)) < 1e-9


def check_operator_changes(work, ops, events, report, summary):
    lines, ok = [], True
    kills = {n: [int(e[0]) for e in events if e[1] in ("kill", "died") and e[2] == n] for n in NODES}
    initial = {}
    for node in NODES:
        doc = node_result(load_json(os.path.join(work, "initial", f"{node}-limits.json")))
        initial[node] = as_int(doc["result"]["revision"]) if doc and doc.get("ok") else None

    for node in NODES:
        mine = [o for o in ops if o["node"] == node]
        acked = [o for o in mine if o["acked"]]
        audit = audit_entries(work, node)
        limits = final_result(work, node, "limits")
        blocks = final_result(work, node, "blocks")
        revocations = final_result(work, node, "revocations")
        if audit is None or limits is None or blocks is None or revocations is None:
            ok = False
            lines.append(f"{node}: could not read its final limits/blocks/revocations/audit")
            continue
        if len(audit) >= 1000:
            ok = False
            lines.append(f"{node}: the audit window (1000 entries) is full; shorten the run")
        restarts = len(kills[node])
        summary["acked"][node] = len(acked)
        summary["sent"][node] = len(mine)

        def tagged(action, tag, side="after"):
            found = []
            for e in audit:
                if action == "update_limits" and e["action"] == f"update_limits: {tag}":
                    found.append(e)
                elif action == "unblock" and e["action"] == f"unblock: {tag}":
                    found.append(e)
                elif action in ("block", "revoke") and e["action"] == action and \
                        isinstance(e[side], dict) and e[side].get("reason") == tag:
                    found.append(e)
            return found

        def context(o):
            later = [k for k in kills[node] if k >= o["t1"]]
            return (f"sent +{(o['t0'] - T0) / 1000:.1f}s, acknowledged +{(o['t1'] - T0) / 1000:.1f}s, "
                    f"{len(later)} kill(s) of {node} after it")

        # Limits: each acknowledged revision once in the audit, in order, with its values.
        revisions = []
        for o in acked:
            if o["kind"] != "limits":
                continue
            rev = as_int(o["result"].get("revision"))
            revisions.append(rev)
            found = tagged("update_limits", o["tag"])
            if len(found) != 1:
                ok = False
                lines.append(f"{node}: acknowledged limits change {o['tag']} (revision {rev}) is in the "
                             f"audit log {len(found)} times, expected once ({context(o)})")
            elif not found[0]["after"] or as_int(found[0]["after"].get("revision")) != rev:
                ok = False
                lines.append(f"{node}: audit entry of {o['tag']} names revision "
                             f"{(found[0]['after'] or {}).get('revision')}, rampartctl reported {rev}")
        if any(b <= a for a, b in zip(revisions, revisions[1:])):
            ok = False
            lines.append(f"{node}: acknowledged revisions not strictly increasing: {revisions}")
        audited = [as_int((e["after"] or {}).get("revision")) for e in audit
                   if e["action"].startswith("update_limits")]
        final_rev = as_int(limits.get("revision"))
        if audited and any(b <= a for a, b in zip(audited, audited[1:])):
            ok = False
            lines.append(f"{node}: audit revisions not strictly increasing: {audited}")
        expected_chain = list(range((initial[node] or 1) + 1, final_rev + 1))
        if audited != expected_chain:
            ok = False
            missing = sorted(set(expected_chain) - set(audited))
            lines.append(f"{node}: limits are at revision {final_rev} (started at {initial[node]}) but the "
                         f"audit log holds revisions {compact(audited)}; missing {compact(missing)}")
            for rev in missing:
                culprit = [o for o in mine if o["kind"] == "limits" and not o["acked"]]
                lines.extend(f"    unacknowledged limits change {o['tag']} at +{(o['t0'] - T0) / 1000:.1f}s: "
                             f"rampartctl exit {o['rc']} {o['error'][:80]}" for o in culprit[-3:])
                break
        if revisions and final_rev < revisions[-1]:
            ok = False
            lines.append(f"{node}: acknowledged revision {revisions[-1]} lost: the node is at {final_rev} "
                         f"after {restarts} restart(s)")
        last_limits = [o for o in acked if o["kind"] == "limits"]
        if last_limits and final_rev == as_int(last_limits[-1]["result"].get("revision")):
            want = last_limits[-1]["result"]
            for rule in ("per_ip", "per_subject", "global"):
                for field in ("rate", "burst"):
                    if not rule_eq(want.get(rule, {}).get(field), limits.get(rule, {}).get(field)):
                        ok = False
                        lines.append(f"{node}: {rule}.{field} is {limits.get(rule, {}).get(field)} after "
                                     f"restarts, acknowledged {want.get(rule, {}).get(field)} "
                                     f"({last_limits[-1]['tag']})")

        # Blocks, unblocks, revocations: each acknowledged one once in the audit log and (unless
        # lifted later by an acknowledged unblock) in the node's state after its restarts.
        live_blocks = {b.get("value"): b for b in blocks.get("blocks", [])}
        live_revs = {r.get("subject"): r for r in revocations.get("revocations", [])}
        unblocked = {o["target"] for o in acked if o["kind"] == "unblock"}
        uncertain = {o["target"] for o in mine if not o["acked"] and o["kind"] == "unblock"}
        for o in acked:
            if o["kind"] == "block":
                found = tagged("block", o["tag"])
                if len(found) != 1:
                    ok = False
                    lines.append(f"{node}: acknowledged block {o['target']} ({o['tag']}) is in the audit "
                                 f"log {len(found)} times, expected once ({context(o)})")
                if o["target"] in unblocked or o["target"] in uncertain:
                    continue
                got = live_blocks.get(o["target"])
                if not got or got.get("reason") != o["tag"]:
                    ok = False
                    lines.append(f"{node}: acknowledged block {o['target']} ({o['tag']}) is missing from "
                                 f"`rampartctl blocks` ({context(o)})")
            elif o["kind"] == "unblock":
                found = tagged("unblock", o["tag"])
                removed = bool(o["result"].get("removed"))
                if not removed:
                    ok = False
                    lines.append(f"{node}: unblock of {o['target']} ({o['tag']}) answered \"was not blocked\" "
                                 f"although its block was acknowledged ({context(o)})")
                if len(found) != (1 if removed else 0):
                    ok = False
                    lines.append(f"{node}: acknowledged unblock {o['target']} ({o['tag']}) is in the audit "
                                 f"log {len(found)} times, expected once ({context(o)})")
                if o["target"] in live_blocks:
                    ok = False
                    lines.append(f"{node}: {o['target']} is blocked again after its acknowledged unblock "
                                 f"({o['tag']}, {context(o)})")
            elif o["kind"] == "revoke":
                found = tagged("revoke", o["tag"])
                if len(found) != 1:
                    ok = False
                    lines.append(f"{node}: acknowledged revocation of {o['target']} ({o['tag']}) is in the "
                                 f"audit log {len(found)} times, expected once ({context(o)})")
                got = live_revs.get(o["target"])
                if not got or got.get("reason") != o["tag"]:
                    ok = False
                    lines.append(f"{node}: acknowledged revocation of {o['target']} ({o['tag']}) is missing "
                                 f"from `rampartctl revocations` ({context(o)})")

        # The other way round: whatever the node holds was audited (an unacknowledged change may
        # take effect, since the agent can die after persisting it and before answering, but
        # then it must be in the audit log too).
        for value, b in live_blocks.items():
            if not tagged("block", b.get("reason")):
                ok = False
                o = next((x for x in mine if x["tag"] == b.get("reason")), None)
                how = (f"rampartctl exit {o['rc']}: {o['error'][:100]}; sent +{(o['t0'] - T0) / 1000:.1f}s"
                       if o else "not sent by the soak")
                lines.append(f"{node}: block {value} ({b.get('reason')}) is in force but not in the audit "
                             f"log ({how})")
        for subject, r in live_revs.items():
            if not tagged("revoke", r.get("reason")):
                ok = False
                o = next((x for x in mine if x["tag"] == r.get("reason")), None)
                how = (f"rampartctl exit {o['rc']}: {o['error'][:100]}; sent +{(o['t0'] - T0) / 1000:.1f}s"
                       if o else "not sent by the soak")
                lines.append(f"{node}: revocation of {subject} ({r.get('reason')}) is in force but not in "
                             f"the audit log ({how})")
        # No change of the soak's, acknowledged or not, may be in the audit log twice (a restart
        # that completes a half-made commit must not repeat an entry that was already written).
        seen = {}
        for e in audit:
            tag = None
            if e["action"].startswith(("update_limits: ", "unblock: ")):
                tag = e["action"].split(": ", 1)[1]
            elif e["action"] in ("block", "revoke") and isinstance(e["after"], dict):
                tag = e["after"].get("reason")
            if tag and tag.startswith("soak-"):
                seen[tag] = seen.get(tag, 0) + 1
        for tag, count in sorted(seen.items()):
            if count > 1:
                ok = False
                lines.append(f"{node}: change {tag} is in the audit log {count} times")
        applied_unacked = [o for o in mine if not o["acked"] and (
            (o["kind"] == "block" and live_blocks.get(o["target"], {}).get("reason") == o["tag"]) or
            (o["kind"] == "revoke" and live_revs.get(o["target"], {}).get("reason") == o["tag"]))]
        # A limits change that was not acknowledged but holds the values in force, past the last
        # acknowledged revision, took effect too.
        last_acked_rev = as_int(last_limits[-1]["result"].get("revision")) if last_limits else initial[node] or 1
        unacked_limits = [o for o in mine if o["kind"] == "limits" and not o["acked"] and
                          (not last_limits or o["t0"] > last_limits[-1]["t0"])]
        if final_rev > last_acked_rev and unacked_limits:
            a, _, b = unacked_limits[-1]["params"].partition(",")
            if rule_eq(limits.get("per_ip", {}).get("rate"), a) and \
                    rule_eq(limits.get("per_subject", {}).get("rate"), b):
                applied_unacked.append(unacked_limits[-1])
        summary["applied_unacked"][node] = len(applied_unacked)
        lines.append(f"{node}: {len(acked)}/{len(mine)} changes acknowledged, {restarts} kill(s), "
                     f"limits revision {initial[node]}→{final_rev}, {len(audit)} audit entries, "
                     f"{len(live_blocks)} blocks and {len(live_revs)} revocations in force, "
                     f"{len(applied_unacked)} unacknowledged change(s) in force anyway")
    crashed_tools = [o for o in ops if o["rc"] > 2]
    for o in crashed_tools:
        ok = False
        lines.append(f"rampartctl {o['kind']} {o['tag']} exited with {o['rc']}")
    report.add("(b) acknowledged changes survive restarts, audited exactly once, revisions without gaps",
               ok, lines)


def compact(numbers):
    """[1,2,3,5,7,8] → '1-3,5,7-8'."""
    out, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if prev != start else f"{start}")
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else f"{start}")
    return ",".join(out) or "none"


# --------------------------------------------------------------------------- check (c)

def check_load(work, events, report, summary, t_end):
    # The rule: rampart-load runs in short segments, one process per node aimed at that node
    # only, so every error is attributable to one node and one time span. A segment may report
    # errors only if its node was down (from the soak's SIGKILL, or an unexpected death, until
    # its ready file reappeared) during the segment, and at most as many as it sent in the
    # overlap plus ERROR_GRACE_MS at the spike's peak rate. Redis outages must cause no
    # errors at all (the agent falls back to a local limit). Every answer must be one of the
    # verdicts README.md documents.
    lines, ok = [], True
    windows = down_windows(events, t_end)
    totals = {"answered": 0, "errors": 0, "dropped": 0, "sent": 0, "segments": 0}
    verdicts = {}
    for node, t0, t1, rc, path in read_tsv(os.path.join(work, "load.tsv"), 5):
        t0, t1, rc = int(t0), int(t1), int(rc)
        totals["segments"] += 1
        s = load_json(path)
        if rc not in (0, 1) or s is None:
            ok = False
            lines.append(f"{node}: rampart-load segment at +{(t0 - T0) / 1000:.1f}s exited {rc} "
                         f"{'without a summary' if s is None else ''}")
            continue
        for key in ("answered", "errors", "dropped", "sent"):
            totals[key] += as_int(s.get(key))
        for name, count in s.get("verdicts", {}).items():
            verdicts[name] = verdicts.get(name, 0) + count
            if count and name not in DOCUMENTED_VERDICTS:
                ok = False
                lines.append(f"{node}: {count} answers with undocumented verdict {name} in the segment at "
                             f"+{(t0 - T0) / 1000:.1f}s")
        undocumented = as_int(s.get("answered")) - sum(s.get("verdicts", {}).values())
        if undocumented:
            ok = False
            lines.append(f"{node}: {undocumented} answers without a verdict (UNSPECIFIED) in the segment at "
                         f"+{(t0 - T0) / 1000:.1f}s")
        errors = as_int(s.get("errors"))
        if errors == 0 and rc == 0:
            continue
        down = sum(overlap(t0, t1, w0, w1 + ERROR_GRACE_MS) for w0, w1 in windows[node])
        # At most what the spike's peak rate sends in that time (the outage may fall on the peak).
        allowed = min(as_int(s.get("sent")), int(PEAK * down / 1000) + 1)
        if down == 0 or errors > allowed:
            ok = False
            lines.append(f"{node}: {errors} errors in the segment +{(t0 - T0) / 1000:.1f}s..+{(t1 - T0) / 1000:.1f}s "
                         f"(exit {rc}) but {node} was down for {down / 1000:.1f}s of it (grace included); "
                         f"at most {allowed if down else 0} attributable")
    summary["load"] = totals
    summary["verdicts"] = verdicts
    lines.insert(0, f"{totals['segments']} rampart-load segments: {totals['sent']} sent, {totals['answered']} "
                    f"answered, {totals['errors']} errors (all within down windows unless listed), "
                    f"{totals['dropped']} dropped by the generator")
    lines.insert(1, "verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()) if v))
    if totals["answered"] == 0:
        ok = False
        lines.append("no check was answered at all")
    report.add("(c) checks answered only with documented verdicts; errors only while the node was down",
               ok, lines)


# --------------------------------------------------------------------------- check (d)

def check_memory(work, events, report, summary):
    lines, ok = [], True
    starts = {}   # pid -> start time
    for t, kind, node, pid, _ in events:
        if kind == "start":
            starts[pid] = int(t)
    samples = {}
    for t, node, pid, kb in read_tsv(os.path.join(work, "rss.tsv"), 4):
        samples.setdefault((node, pid), []).append((int(t), int(kb)))
    evaluated_steady = False
    for (node, pid), rows in sorted(samples.items()):
        settled = [kb for t, kb in rows if t - starts.get(pid, 0) >= RSS_SETTLE_MS]
        if len(settled) < RSS_MIN_SAMPLES:
            continue
        third = len(settled) // 3
        first = statistics.median(settled[:third])
        last = statistics.median(settled[-third:])
        limit = first * (1 + RSS_GROWTH_RATIO) + RSS_GROWTH_KB
        good = last <= limit
        ok &= good
        evaluated_steady |= node == STEADY
        summary["rss"].append((node, pid, first, last, len(settled)))
        lines.append(f"{node} pid {pid}: median RSS {first / 1024:.1f} MB (first third) → {last / 1024:.1f} MB "
                     f"(last third) over {len(settled)} samples; limit {limit / 1024:.1f} MB "
                     f"{'ok' if good else 'EXCEEDED'}")
    if not evaluated_steady:
        ok = False
        lines.append(f"{STEADY} (never killed) has fewer than {RSS_MIN_SAMPLES} settled samples: run longer")
    report.add(f"(d) memory flat (last third ≤ first third × {1 + RSS_GROWTH_RATIO:.2f} + "
               f"{RSS_GROWTH_KB // 1024} MB, per process not restarted)", ok, lines)


# --------------------------------------------------------------------------- check

T0 = 0
PEAK = 0


def check(work):
    global T0, PEAK
    run = load_json(os.path.join(work, "run.json")) or {}
    T0 = int(run.get("t0", 0))
    PEAK = float(run.get("peak", 0))
    t_end = int(run.get("t_end", now_ms()))
    events = read_tsv(os.path.join(work, "events.tsv"), 5)
    ops = parse_ops(work)
    report = Report()
    summary = {"acked": {}, "sent": {}, "applied_unacked": {}, "rss": [], "load": {}, "verdicts": {}}
    check_processes(work, events, report)
    check_operator_changes(work, ops, events, report, summary)
    check_load(work, events, report, summary, t_end)
    check_memory(work, events, report, summary)

    print()
    for name, good, lines in report.results:
        print(f"{'PASS' if good else 'FAIL'}  {name}")
        for line in lines:
            print(f"      {line}")
    kills = [e for e in events if e[1] == "kill"]
    print()
    print("Summary")
    print(f"  seed {run.get('seed')}, {run.get('minutes')} min of load and faults "
          f"({(t_end - T0) / 1000:.0f} s measured), build {run.get('build')}")
    print(f"  agent kills: {len(kills)} ({', '.join(f'{n} {sum(1 for e in kills if e[2] == n)}' for n in NODES)}); "
          f"of them during a change storm: {sum(1 for e in events if e[1] == 'storm-kill')} "
          f"(on commit: {sum(1 for e in events if e[1] == 'storm-kill' and e[4] == 'commit')}); "
          f"restarts: {sum(1 for e in events if e[1] == 'start') - len(NODES)}; "
          f"Redis kills: {sum(1 for e in events if e[1] == 'redis-kill')}")
    acked, sent = summary["acked"], summary["sent"]
    per_node = ", ".join(f"{n} {acked.get(n, 0)}/{sent.get(n, 0)}" for n in NODES)
    print(f"  operator changes: {sum(acked.values())} acknowledged of {sum(sent.values())} sent "
          f"({per_node}); "
          f"unacknowledged but in force: {sum(summary['applied_unacked'].values())}")
    load = summary["load"]
    print(f"  checks: {load.get('answered', 0)} answered, {load.get('errors', 0)} errors, "
          f"{load.get('dropped', 0)} dropped, over {load.get('segments', 0)} segments")
    for node, pid, first, last, n in summary["rss"]:
        print(f"  RSS {node} (pid {pid}): {first / 1024:.1f} MB → {last / 1024:.1f} MB ({n} samples)")
    failed = [name for name, good, _ in report.results if not good]
    print()
    print("RESULT: " + ("PASS" if not failed else f"FAIL ({len(failed)} of {len(report.results)} checks)"))
    return 0 if not failed else 1


def main(argv):
    if len(argv) >= 4 and argv[1] == "schedule":
        for t, action, node, a, b in make_schedule(int(argv[2]), float(argv[3])):
            print(f"{t}\t{action}\t{node or '-'}\t{a or '-'}\t{b or '-'}")
        return 0
    if len(argv) == 7 and argv[1] == "kill-on-commit":
        return kill_on_commit(argv[2], int(argv[3]), argv[4], int(argv[5]), float(argv[6]))
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
