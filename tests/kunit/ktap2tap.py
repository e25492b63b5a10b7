#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the console log of a KUnit boot into sgfw's TAP lines.

usage: ktap2tap.py CONSOLE_LOG [FIRST_NUMBER]

Prints one line per test case, `ok N - kunit: <suite>.<case>` or
`not ok N - kunit: <suite>.<case>`, numbered from FIRST_NUMBER (default 1).
A parameterised case is one line, failed when any of its parameters failed;
the failed parameters and KUnit's failure messages follow it as `#` lines.
A skipped case is `not ok ... # SKIP reason`: skips never count as passes.

The log itself is not trusted to be complete.  A suite whose plan names more
cases than it reported, a run that reported fewer suites than it planned, a
log with no KTAP at all or with no test case in it, each adds a `not ok` line
saying so, because that is what a kernel crash mid-run looks like.  A last
line, `kunit: kernel log has no splats`, fails when the kernel printed a BUG,
WARNING, lockdep, KASAN, RCU or debug-objects report anywhere in the boot,
since those do not always fail the case that caused them.

Exit status: 0 when every line printed is `ok`, 1 otherwise.
"""

import os
import re
import sys

# The name of the run, for the TAP lines (SGFW_KUNIT_NAME).
PREFIX = os.environ.get('SGFW_KUNIT_NAME', 'kunit')

TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
VERSION = re.compile(r'^K?TAP version \d+$')
PLAN = re.compile(r'^1\.\.(\d+)$')
SUBTEST = re.compile(r'^# Subtest: (.*)$')
RESULT = re.compile(r'^(ok|not ok) (\d+)(?: - | |$)(.*)$')

# What the kernel prints when something went wrong that a test case may not
# have noticed.  Lockdep, PROVE_RCU and DEBUG_OBJECTS report through WARNING
# lines; KASAN, UBSAN and the atomic-sleep check through BUG lines.
SPLATS = re.compile(
    r'\bBUG[: ]|WARNING:|Kernel panic|\bOops\b|general protection fault|'
    r'UBSAN:|KASAN:|ODEBUG:|possible (recursive|circular) locking|'
    r'inconsistent lock state|suspicious RCU usage|'
    r'INFO: (task .* blocked|rcu_\w+ (self-)?detected stall)|'
    r'unreferenced object|Segmentation fault|Call Trace:')


class Emitter:
    def __init__(self, first):
        self.n = first - 1
        self.failed = 0
        self.cases = 0

    def line(self, ok, name, directive='', diag=()):
        self.n += 1
        if not ok:
            self.failed += 1
        text = '%s %d - %s: %s' % ('ok' if ok else 'not ok', self.n, PREFIX,
                                  name)
        if directive:
            text += ' # ' + directive
        print(text)
        for d in diag:
            print('#   ' + d)


def split_directive(rest):
    """'name # SKIP why' -> ('name', 'SKIP why')."""
    i = rest.find(' # ')
    if i < 0:
        if rest.startswith('# '):
            return '', rest[2:]
        return rest, ''
    return rest[:i], rest[i + 3:]


def parse(lines, out):
    seen_ktap = False
    suites_planned = None
    suites_done = 0
    suite = None          # name of the suite being reported
    suite_plan = None
    suite_cases = 0
    suite_failed = 0
    params_failed = []    # failed parameters of the case being reported
    diag = []             # KUnit's messages since the last case result
    splats = []

    in_msg = False        # inside a KUnit failure message
    for raw in lines:
        raw = raw.rstrip('\r\n')
        if SPLATS.search(raw):
            splats.append(raw.strip())
            # A report that fails a case (KASAN does) explains it.
            if suite is not None and not raw.startswith('Call Trace'):
                diag.append(raw.strip())
        line = TIMESTAMP.sub('', raw)
        stripped = line.lstrip(' ')
        indent = len(line) - len(stripped)
        level = indent // 4

        if VERSION.match(stripped):
            if level == 0:
                seen_ktap = True
            continue
        if not seen_ktap:
            continue

        m_plan = PLAN.match(stripped)
        m_sub = SUBTEST.match(stripped)
        m_res = RESULT.match(stripped)
        if m_plan or m_sub or m_res:
            in_msg = False

        if level == 0 and m_plan:
            suites_planned = int(m_plan.group(1))
        elif level == 1 and m_sub:
            if suite is not None:
                out.line(False, '%s: no result after %d of %s cases' %
                         (suite, suite_cases, suite_plan), diag=diag)
            suite, suite_plan = m_sub.group(1), None
            suite_cases = suite_failed = 0
            params_failed, diag = [], []
        elif level == 1 and m_plan:
            suite_plan = int(m_plan.group(1))
        elif level == 2 and m_res and suite is not None:
            name, directive = split_directive(m_res.group(3))
            if m_res.group(1) == 'not ok':
                params_failed.append('parameter "%s" failed' % name)
        elif level == 1 and m_res and suite is not None:
            name, directive = split_directive(m_res.group(3))
            ok = m_res.group(1) == 'ok'
            skipped = directive.upper().startswith('SKIP')
            suite_cases += 1
            out.cases += 1
            if not ok and not skipped:
                suite_failed += 1
            out.line(ok and not skipped, '%s.%s' % (suite, name), directive,
                     [] if ok and not skipped else params_failed + diag)
            params_failed, diag = [], []
        elif level == 0 and m_res and suite is not None:
            name, directive = split_directive(m_res.group(3))
            if suite_plan is not None and suite_cases < suite_plan:
                out.line(False, '%s: %d of %d cases reported' %
                         (suite, suite_cases, suite_plan))
            elif m_res.group(1) == 'not ok' and not suite_failed:
                # A failing suite_init or suite_exit has no case of its own.
                out.line(False, '%s: suite failed' % suite, directive, diag)
            elif suite_cases == 0:
                out.line(False, '%s: no test case' % suite, directive)
            suites_done += 1
            suite = None
            diag = []
        elif level >= 2 and (m_sub or m_plan):
            continue
        elif level >= 1 and suite is not None:
            # Keep KUnit's failure messages: a '# case: ... FAILED at'
            # line and the indented lines under it; not the kernel's
            # other output, nor '# module:' and summary lines.
            if stripped.startswith('#'):
                in_msg = 'FAILED at' in stripped
                if in_msg:
                    diag.append(stripped)
            elif in_msg:
                diag.append(stripped)

    if not seen_ktap:
        out.line(False, 'no KTAP output: the tests never ran')
    if suite is not None:
        out.line(False, '%s: log ends after %d of %s cases (kernel crashed?)'
                 % (suite, suite_cases, suite_plan), diag=diag)
    if suites_planned is not None and suites_done < suites_planned:
        out.line(False, 'log ends after %d of %d suites (kernel crashed?)'
                 % (suites_done, suites_planned))
    if seen_ktap and out.cases == 0:
        out.line(False, 'no test case ran')
    out.line(not splats, 'kernel log has no splats', diag=splats[:20])


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    out = Emitter(int(sys.argv[2]) if len(sys.argv) == 3 else 1)
    try:
        with open(sys.argv[1], errors='replace') as f:
            lines = f.readlines()
    except OSError as e:
        out.line(False, 'cannot read the console log: %s' % e)
        return 1
    parse(lines, out)
    return 1 if out.failed else 0


if __name__ == '__main__':
    sys.exit(main())
