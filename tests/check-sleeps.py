#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""No test waits a fixed time for something to happen (docs: "no test may
depend on timing"): a sleep in the tests is allowed only

- in Python, inside a `while` loop (polling a condition until a deadline);
- in C, inside an allow-listed polling helper (ALLOWED_C_FUNCTIONS);
- where the test servers fake a slow vendor (ALLOWED_PY_FUNCTIONS);
- on a line marked `timing-ok` whose comment says why the delay is not
  something the test depends on.

Usage: check-sleeps.py TESTS_DIR
"""
import ast
import os
import re
import sys

# C functions whose sleep is one poll of a loop that waits for a condition.
ALLOWED_C_FUNCTIONS = {
    ("ui/pb-ui-test.c", "pb_ui_test_poll"),
}

# Python functions that sleep on purpose: a test server's stall faults.
ALLOWED_PY_FUNCTIONS = {
    ("servers/spapi_server.py", "api"),
    ("servers/clickdrop_server.py", "api"),
    ("servers/http_test_server.py", "handle_any"),
}

# Known, owned elsewhere, being fixed (issue 17 item 4): remove when done.
PENDING = set()

C_SLEEP = re.compile(r"\b(g_usleep|usleep|sleep|nanosleep|g_timeout_add(_seconds)?(_full)?)\s*\(")
C_FUNCTION = re.compile(r"^([a-z_][a-z0-9_]*) \(")
SKIP_DIRS = {"fuzz", "__pycache__"}


def check_c(path, rel, problems):
    function = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            match = C_FUNCTION.match(line)
            if match:
                function = match.group(1)
            code = line.split("//", 1)[0]
            if "/*" in code:
                code = code.split("/*", 1)[0]
            if not C_SLEEP.search(code) or "timing-ok" in line:
                continue
            if (rel, function) in ALLOWED_C_FUNCTIONS or (rel, function) in PENDING:
                continue
            problems.append("%s:%d: %s sleeps in %s(): wait for the event instead"
                            % (rel, number, C_SLEEP.search(code).group(1), function))


def is_sleep(call):
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == "sleep" and isinstance(func.value, ast.Name) \
            and func.value.id in ("time", "asyncio")
    return isinstance(func, ast.Name) and func.id == "sleep"


def check_py(path, rel, problems):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    lines = source.splitlines()
    tree = ast.parse(source, path)

    def visit(node, in_loop, function):
        for child in ast.iter_child_nodes(node):
            child_loop = in_loop
            child_function = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                child_function, child_loop = child.name, False
            elif isinstance(child, ast.While):
                child_loop = True
            if isinstance(child, ast.Call) and is_sleep(child):
                line = lines[child.lineno - 1]
                if not (in_loop or "timing-ok" in line
                        or (rel, function) in ALLOWED_PY_FUNCTIONS
                        or (rel, function) in PENDING):
                    problems.append("%s:%d: a sleep outside a polling loop in %s(): wait for "
                                    "the event instead" % (rel, child.lineno, function))
            visit(child, child_loop, child_function)

    visit(tree, False, None)


def main():
    root = sys.argv[1]
    problems = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if name.endswith((".c", ".h")):
                check_c(path, rel, problems)
            elif name.endswith(".py") and name != os.path.basename(__file__):
                check_py(path, rel, problems)
    for problem in problems:
        print(problem)
    if problems:
        print("%d fixed delay(s) in the tests" % len(problems))
        return 1
    print("no fixed delays in the tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
