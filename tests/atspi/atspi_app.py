# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives the real packbench binary like a person, through AT-SPI.

One Desktop per test process: an X display (the one xvfb-run gave us, or a
private Xvfb when PB_ATSPI_XVFB=1 and there is none), a private D-Bus
session bus and the AT-SPI bus and registry on it. One App per test: the
real build/src/app/packbench with a throwaway HOME, XDG folders and
in-memory GSettings, found in the AT-SPI tree by its process id.

Widgets are found by role and accessible name, as a screen reader user
would; text goes in through the EditableText interface or as X key
events (xdotool, XTEST) into the focused widget, the way a barcode
scanner types. A failed wait says what *was* visible and leaves a
screenshot of the screen in $PB_TEST_ARTIFACTS.

Everything started here is stopped by its own process id (or its own
process group) on teardown, failed test or not.
"""

import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings

# The harness's own libatspi, not the app: while the registry is still
# coming up (a loaded machine) it logs a critical that the wait below
# survives, and fatal criticals (the suite's G_DEBUG) would kill this
# process with SIGTRAP. GLib reads G_DEBUG when it loads, so before gi.
os.environ.pop("G_DEBUG", None)

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.setdefault("PB_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))
BUILD_ROOT = os.environ.setdefault("PB_BUILD_ROOT", os.path.join(SOURCE_ROOT, "build"))
os.environ.setdefault("PACKBENCHCTL", os.path.join(BUILD_ROOT, "src", "cli", "packbenchctl"))
os.environ.setdefault("PB_TEST_ARTIFACTS", os.path.join(BUILD_ROOT, "test-artifacts"))
os.environ.setdefault("GSETTINGS_SCHEMA_DIR", os.path.join(BUILD_ROOT, "data"))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "servers"))

APP = os.path.join(BUILD_ROOT, "src", "app", "packbench")
ARTIFACTS = os.environ["PB_TEST_ARTIFACTS"]

# How long a person would wait for something to show before calling it broken.
DEFAULT_TIMEOUT = float(os.environ.get("PB_ATSPI_TIMEOUT", "60"))  # a bound, not the usual wait
# PB_ATSPI_TRACE=1: how long each wait took, on stderr.
TRACE = os.environ.get("PB_ATSPI_TRACE") == "1"
_EPOCH = time.monotonic()


# libatspi 2.46 marks get_*_iface deprecated in favour of names PyGObject
# does not expose; they work.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=__name__)


class SkipDesktop(Exception):
    """There is no display to run on (and none was required)."""


def _which(name, *extra):
    found = shutil.which(name)
    if found:
        return found
    for path in extra:
        if os.path.exists(path):
            return path
    return None


def _stop(process, group=False, timeout=5):
    """Ends a process this module started, by its id (or its group's id)."""
    if process is None or process.poll() is not None:
        return
    try:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        process.wait(timeout=timeout)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


class Desktop:
    """The display, the session bus and the accessibility bus."""

    def __init__(self):
        self.processes = []  # (Popen, is_group)
        self.root = None
        self.display = None
        self.atspi = None

    def start(self):
        display = os.environ.get("DISPLAY", "")
        if not display:
            if os.environ.get("PB_ATSPI_XVFB") == "1":
                display = self._start_xvfb()
            elif os.environ.get("PB_REQUIRE_DISPLAY") == "1":
                raise RuntimeError("No display, but PB_REQUIRE_DISPLAY=1: run under xvfb-run "
                                   "(or set PB_ATSPI_XVFB=1 to start a private Xvfb).")
            else:
                raise SkipDesktop("no display (run under xvfb-run, or PB_ATSPI_XVFB=1)")
        for tool in ("dbus-daemon", "xdotool"):
            if _which(tool) is None:
                raise SkipDesktop(tool + " is not installed")
        self.display = display
        os.environ["DISPLAY"] = display
        self.root = tempfile.mkdtemp(prefix="pb-atspi-")
        os.chmod(self.root, 0o700)
        runtime = os.path.join(self.root, "runtime")
        os.mkdir(runtime, 0o700)
        os.environ["XDG_RUNTIME_DIR"] = runtime

        # A private session bus: nothing of the machine's, and its activated
        # services (the AT-SPI bus launcher) inherit DISPLAY from here.
        env = dict(os.environ)
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env.pop("AT_SPI_BUS_ADDRESS", None)
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=env, start_new_session=True)
        self.processes.append((bus, True))
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("the private session bus did not start")
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        os.environ.pop("AT_SPI_BUS_ADDRESS", None)
        os.environ.pop("NO_AT_BRIDGE", None)

        launcher = _which("at-spi-bus-launcher", "/usr/libexec/at-spi-bus-launcher",
                          "/usr/lib/at-spi2-core/at-spi-bus-launcher")
        if launcher is None:
            raise SkipDesktop("at-spi-bus-launcher is not installed (package at-spi2-core)")
        # Its own process group: the accessibility bus's dbus-daemon and the
        # registry it starts go with it.
        self.processes.append((subprocess.Popen(
            [launcher, "--launch-immediately"], env=dict(os.environ),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True), True))

        import gi
        gi.require_version("Atspi", "2.0")
        from gi.repository import Atspi
        self.atspi = Atspi
        deadline = time.monotonic() + 60
        while True:
            try:
                Atspi.init()
                Atspi.get_desktop(0).get_child_count()
                break
            except Exception as error:  # noqa: BLE001 - the bus is still coming up
                if time.monotonic() > deadline:
                    raise RuntimeError("the AT-SPI registry did not answer: %s" % error)
                time.sleep(0.1)
        atexit.register(self.stop)
        return self

    def _start_xvfb(self):
        xvfb = _which("Xvfb")
        if xvfb is None:
            raise SkipDesktop("Xvfb is not installed (package xvfb)")
        read_fd, write_fd = os.pipe()
        process = subprocess.Popen(
            [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten",
             "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.close(write_fd)
        self.processes.append((process, False))
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        return ":" + number

    def stop(self):
        for process, group in reversed(self.processes):
            _stop(process, group)
            if process.stdout:
                process.stdout.close()
        self.processes = []
        if self.root:
            shutil.rmtree(self.root, True)
            self.root = None


_desktop = None


def desktop():
    """The process's Desktop, started on first use. Raises SkipDesktop."""
    global _desktop
    if _desktop is None:
        _desktop = Desktop().start()
    return _desktop


def role_name(node):
    try:
        return node.get_role_name()
    except Exception:  # noqa: BLE001 - the widget went away
        return "?"


def name_of(node):
    try:
        return node.get_name() or ""
    except Exception:  # noqa: BLE001
        return ""


def same(one, other):
    """Whether two accessibles are one widget: libatspi may hand out a
    new proxy for a widget it had already, so compare the object paths."""
    if one is None or other is None:
        return one is other
    if one == other:
        return True
    path = getattr(one, "path", None)
    return path is not None and path == getattr(other, "path", None)


def name_matches(label, name):
    """Whether an accessible name is the one asked for. GTK 4.8 appends
    the visible text (a button's label, an entry's mnemonic label) to the
    accessible label: "Log in Log In", "Username Username". So the name
    asked for must be the whole name or its first words; a compiled
    regular expression is searched instead."""
    if isinstance(name, re.Pattern):
        return name.search(label) is not None
    return label == name or label.startswith(name + " ")


class WaitFailed(AssertionError):
    pass


class App:
    """The packbench process and its accessible tree."""

    def __init__(self, store_dir, env=None, name="app", args=(), command=None):
        """Starts packbench on @store_dir; or, with @command, that program
        (the demo launcher), whose child packbench is then the app."""
        # unittest resets the warning filters for each run.
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        self.desktop = desktop()
        self.Atspi = self.desktop.atspi
        self.name = name
        self.home = tempfile.mkdtemp(prefix="pb-atspi-home-")
        env_all = dict(os.environ)
        for key in ("NO_AT_BRIDGE", "GTK_DEBUG", "G_DEBUG"):
            env_all.pop(key, None)
        env_all.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_DATA_HOME": os.path.join(self.home, "data"),
            "XDG_CACHE_HOME": os.path.join(self.home, "cache"),
            "XDG_STATE_HOME": os.path.join(self.home, "state"),
            "GSETTINGS_BACKEND": "memory",
            "GTK_A11Y": "atspi",
            "GSK_RENDERER": "cairo",
            "GDK_BACKEND": "x11",
            "LC_ALL": "C.UTF-8",
        })
        env_all.update(env or {})
        self.log_path = os.path.join(self.home, "packbench.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command or [APP, "--store", store_dir, *args],
                                        env=env_all, stdout=self.log, stderr=subprocess.STDOUT)
        self.launched = command is not None
        self.pid = self.process.pid  # the app's, once found
        self.root = None
        self.window_id = None
        self.windows = {}  # X window ids of the other windows, by title
        try:
            # A launcher first sets up what the app needs (the demo: servers,
            # a store, users) before it starts the app.
            self.root = self._find_application(timeout=240 if command else 180)
        except BaseException:
            self.stop()
            raise

    # Life cycle

    def _find_application(self, timeout=90):  # a loaded machine starts GTK slowly
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WaitFailed("packbench exited with %d:\n%s" % (self.process.returncode,
                                                                    self.output()))
            desktop_node = self.Atspi.get_desktop(0)
            for i in range(desktop_node.get_child_count()):
                child = desktop_node.get_child_at_index(i)
                try:
                    if child is not None and self._is_ours(child.get_process_id()):
                        if child.get_child_count() > 0:
                            self.pid = child.get_process_id()
                            return child
                except Exception:  # noqa: BLE001 - a dead application
                    continue
            time.sleep(0.1)
        raise WaitFailed("packbench (pid %d) never showed up on the accessibility bus\n%s"
                         % (self.process.pid, self.output()))

    def _is_ours(self, pid):
        """Whether @pid is the app: the process started, or its child when
        a launcher was started."""
        if not self.launched:
            return pid == self.process.pid
        try:
            with open("/proc/%d/stat" % pid) as handle:
                # pid (comm) state ppid …: comm may hold spaces.
                return int(handle.read().rsplit(")", 1)[1].split()[1]) == self.process.pid
        except (OSError, ValueError, IndexError):
            return False

    def output(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as handle:
            return handle.read()[-4000:]

    def stop(self):
        # A launcher gets the time to close the app and tear down.
        _stop(self.process, timeout=60 if self.launched else 5)
        self.log.close()
        shutil.rmtree(self.home, True)

    # The tree

    def walk(self, node=None, showing_only=True, depth=0):
        """(node, depth) for every accessible under @node, depth first;
        with @showing_only, what is not on screen is left out."""
        node = node or self.root
        yield node, depth
        try:
            count = node.get_child_count()
        except Exception:  # noqa: BLE001
            return
        for i in range(count):
            try:
                child = node.get_child_at_index(i)
            except Exception:  # noqa: BLE001
                continue
            if child is None:
                continue
            if showing_only and not self._may_show(child):
                continue
            yield from self.walk(child, showing_only, depth + 1)

    def _extents(self, node):
        try:
            component = node.get_component_iface()
            if component is None:
                return None
            return component.get_extents(self.Atspi.CoordType.WINDOW)
        except Exception:  # noqa: BLE001 - the widget went away
            return None

    def _may_show(self, node):
        """Cheap test while walking. GTK 4.8 sets SHOWING on the window
        only and VISIBLE even on a hidden stack page's widgets; a widget
        never drawn has an empty extent, but one that was shown keeps its
        old extent. So a stack page (no Component of its own) counts only
        when its content is on top at its own centre."""
        if name_of(node) in ("GtkStackPage", "AdwViewStackPage"):
            try:
                content = node.get_child_at_index(0)
            except Exception:  # noqa: BLE001
                return False
            return content is not None and self.is_on_top(content)
        extents = self._extents(node)
        if extents is None:
            return node.get_role_name() != "invalid"
        return extents.width > 0 and extents.height > 0

    def _toplevel(self, node):
        top = node
        while True:
            parent = top.get_parent()
            if parent is None or role_name(parent) == "application":
                return top
            top = parent

    def _hit(self, top, extents):
        """What the window has at the centre of @extents, or None."""
        try:
            return top.get_component_iface().get_accessible_at_point(
                extents.x + extents.width // 2, extents.y + extents.height // 2,
                self.Atspi.CoordType.WINDOW)
        except Exception:  # noqa: BLE001
            return None

    def _leaves(self, node, limit=4, depth=0):
        """A few drawn widgets without children under @node."""
        found = []
        try:
            count = node.get_child_count()
        except Exception:  # noqa: BLE001
            return found
        for i in range(count):
            try:
                child = node.get_child_at_index(i)
            except Exception:  # noqa: BLE001
                continue
            extents = self._extents(child) if child is not None else None
            if child is None or (extents is not None and extents.width <= 0):
                continue
            if child.get_child_count() == 0 and extents is not None:
                found.append(extents)
            elif depth < 40:
                found += self._leaves(child, limit - len(found), depth + 1)
            if len(found) >= limit:
                break
        return found

    def is_on_top(self, node, depth=0):
        """Whether a person sees the widget: it has an extent and the
        window shows it (or something inside it) there. GTK 4.8 answers
        no widget at some points (blank space of a status page), so a few
        of the widget's own leaves are tried too."""
        extents = self._extents(node)
        if extents is None or extents.width <= 0 or extents.height <= 0:
            return False
        top = self._toplevel(node)
        answered = False
        for where in [extents] + self._leaves(node):
            hit = self._hit(top, where)
            if hit is None:
                continue
            answered = True
            while hit is not None:
                if same(hit, node):
                    return True
                hit = hit.get_parent()
            # Something else is there; but GTK 4.8 may answer with a hidden
            # stack page's widget that kept its old extent, at a point where
            # @node shows blank space: try its leaves too.
        if answered:
            return False
        # Nothing answered (GTK 4.8 never names an entry's inner text
        # there): judge by the container, skipping what has no extent of
        # its own (a stack page).
        parent = node.get_parent()
        while parent is not None and not same(parent, top) and self._extents(parent) is None:
            parent = parent.get_parent()
        if parent is None or same(parent, top):
            # GTK 4.8 sometimes answers nothing anywhere in the window for
            # a while after a page changes: trust the extent then.
            return depth > 0 or self._nothing_answers(top)
        if depth > 6:
            return False
        return self.is_on_top(parent, depth + 1)

    def _nothing_answers(self, top):
        """Whether the window's hit-testing answers nothing at all, even at
        the centre of its own title bar's labels."""
        extents = self._extents(top)
        if extents is None:
            return False
        for x in range(extents.width // 8, extents.width, extents.width // 4):
            for y in (extents.height // 4, extents.height // 2, 3 * extents.height // 4):
                try:
                    if top.get_component_iface().get_accessible_at_point(
                            x, y, self.Atspi.CoordType.WINDOW) is not None:
                        return False
                except Exception:  # noqa: BLE001
                    return False
        return True

    def is_showing(self, node):
        return all(self._may_show(n) for n in self._ancestry(node)) and self.is_on_top(node)

    def _ancestry(self, node):
        chain = []
        while node is not None and role_name(node) != "application":
            chain.append(node)
            node = node.get_parent()
        return chain

    def has_state(self, node, state):
        try:
            return node.get_state_set().contains(getattr(self.Atspi.StateType, state.upper()))
        except Exception:  # noqa: BLE001
            return False

    def describe(self, node=None, limit=400):
        """The visible tree as text: role "name" [text], one per line."""
        lines = []
        for child, depth in self.walk(node):
            label = name_of(child)
            text = self.text(child) if role_name(child) in ("label", "text", "entry") else ""
            extra = " [%s]" % text if text and text != label else ""
            states = []
            for state in ("focused", "checked", "selected"):
                if self.has_state(child, state):
                    states.append(state)
            if role_name(child) in ("push button", "toggle button", "menu item") and \
                    not self.has_state(child, "sensitive"):
                states.append("insensitive")
            lines.append("%s%s %r%s%s" % ("  " * depth, role_name(child), label, extra,
                                          " (" + ", ".join(states) + ")" if states else ""))
            if len(lines) >= limit:
                lines.append("…")
                break
        return "\n".join(lines)

    def find_all(self, role=None, name=None, root=None, showing_only=True):
        """Accessibles with this role name and name (a string for an exact
        match, or a compiled regular expression)."""
        found = []
        for node, _depth in self.walk(root, showing_only):
            if role is not None and role_name(node) != role:
                continue
            if name is not None and not name_matches(name_of(node), name):
                continue
            found.append(node)
        return found

    def wait_for(self, predicate, what, timeout=None, interval=0.1):
        """Waits until predicate() returns something true, and returns it."""
        started = time.monotonic()
        try:
            return self._wait_for(predicate, what, timeout, interval)
        finally:
            if TRACE:
                sys.stderr.write("[atspi %7.2f s] %.2f s for %s\n" % (
                    time.monotonic() - _EPOCH, time.monotonic() - started, what))

    def _wait_for(self, predicate, what, timeout, interval):
        deadline = time.monotonic() + (timeout or DEFAULT_TIMEOUT)
        last_error = None
        while True:
            try:
                value = predicate()
                if value:
                    return value
            except AssertionError:
                # The predicate saw something wrong (a failed sync): say so now.
                raise
            except Exception as error:  # noqa: BLE001 - the tree changed under us
                last_error = error
            if self.process.poll() is not None:
                raise WaitFailed("packbench exited (%d) while waiting for %s\n%s" % (
                    self.process.returncode, what, self.output()))
            if time.monotonic() > deadline:
                shot = self.screenshot("timeout")
                raise WaitFailed("Timed out after %.0f s waiting for %s%s.\nScreenshot: %s\n"
                                 "What is visible:\n%s" % (
                                     timeout or DEFAULT_TIMEOUT, what,
                                     " (last error: %s)" % last_error if last_error else "",
                                     shot, self.describe()))
            time.sleep(interval)

    def find(self, role, name, timeout=None, root=None, sensitive=None):
        """The one visible widget with this role and accessible name."""
        def look():
            nodes = [n for n in self.find_all(role, name, root) if self.is_on_top(n)]
            if sensitive is not None:
                nodes = [n for n in nodes if self.has_state(n, "sensitive") == sensitive]
            return nodes[0] if nodes else None
        label = name.pattern if isinstance(name, re.Pattern) else name
        return self.wait_for(look, "%s %r" % (role, label), timeout)

    def absent(self, role, name, root=None):
        return not self.find_all(role, name, root)

    # Reading

    def text(self, node):
        """A label's or an entry's text. GTK 4.8 answers '' to getText(0, -1):
        ask for the character count."""
        try:
            iface = node.get_text_iface()
            if iface is None:
                return ""
            count = iface.get_character_count()
            return iface.get_text(0, count) if count > 0 else ""
        except Exception:  # noqa: BLE001
            return ""

    def wait_for_text(self, node, pattern, timeout=None, what=None):
        """Waits until the node's text matches the regular expression."""
        regex = re.compile(pattern)
        return self.wait_for(lambda: (lambda t: t if regex.search(t) else None)(self.text(node)),
                             what or "text matching %r (now %r)" % (pattern, self.text(node)),
                             timeout)

    # Acting

    def click(self, node):
        """Activates a button the way a click does (its default action)."""
        iface = node.get_action_iface()
        if iface is None or iface.get_n_actions() == 0:
            # A GtkMenuButton offers no action: press it with the mouse.
            self.click_at(node)
            return
        names = [iface.get_action_name(i) for i in range(iface.get_n_actions())]
        index = names.index("click") if "click" in names else 0
        if not iface.do_action(index):
            raise AssertionError("%s %r refused its %r action" % (role_name(node), name_of(node),
                                                                  names[index]))

    def set_text(self, node, text):
        """Replaces an entry's text through the EditableText interface."""
        iface = node.get_editable_text_iface()
        if iface is None:
            raise AssertionError("%s %r is not editable" % (role_name(node), name_of(node)))
        iface.set_text_contents(text)

    def focus(self, node):
        """Puts the keyboard focus on a widget: through AT-SPI when the
        toolkit allows it (GTK 4.8 does not), else with a mouse click on it,
        as a person would."""
        try:
            if node.get_component_iface().grab_focus():
                return
        except Exception:  # noqa: BLE001 - GTK 4.8: not supported
            pass
        self.click_at(node)
        self.wait_for(lambda: self.has_state(node, "focused"),
                      "%s %r to take the focus" % (role_name(node), name_of(node)))

    def click_at(self, node):
        """A real mouse click in the middle of the widget, in its window."""
        extents = node.get_component_iface().get_extents(self.Atspi.CoordType.WINDOW)
        window = self._window_of(node)
        geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window],
                                  capture_output=True, text=True, check=True).stdout
        values = dict(line.split("=", 1) for line in geometry.split())
        x = int(values["X"]) + extents.x + extents.width // 2
        y = int(values["Y"]) + extents.y + extents.height // 2
        self._xdotool("mousemove", str(x), str(y), "click", "1", window=window)

    def _window_of(self, node):
        """The X window showing @node: the main window, or another
        toplevel (Preferences, a file chooser) found by its title."""
        top = self._toplevel(node)
        if top == self._toplevel_named(None):
            return self._window()
        return self._window(name_of(top))

    def _toplevel_named(self, title):
        """The first toplevel (the main window) when @title is None."""
        for i in range(self.root.get_child_count()):
            child = self.root.get_child_at_index(i)
            if title is None or name_of(child) == title:
                return child
        return None

    def _window(self, title=None):
        """The X window of the main window, or of the toplevel with this
        title."""
        if title is not None:
            def search_titled():
                # --all: xdotool matches any one criterion otherwise, and
                # another app's window would do.
                result = subprocess.run(["xdotool", "search", "--all", "--pid", str(self.pid),
                                         "--onlyvisible", "--name", "^%s$" % re.escape(title)],
                                        capture_output=True, text=True)
                ids = result.stdout.split()
                return ids[-1] if ids else None
            return self.wait_for(search_titled, "the X window %r of packbench" % title)
        if self.window_id is None:
            def search():
                result = subprocess.run(["xdotool", "search", "--all", "--pid", str(self.pid),
                                         "--onlyvisible", "--class", ""],
                                        capture_output=True, text=True)
                ids = result.stdout.split()
                return ids[-1] if ids else None
            self.window_id = self.wait_for(search, "the X window of packbench")
        return self.window_id

    def click_to_close(self, node):
        """Clicks a button that closes its window (a dialog's response)
        with the mouse, and leaves the tree alone for a moment. GTK 4.8's
        AT-SPI bridge crashed the app (SIGSEGV building a reference with a
        NULL object path) when the click went through DoAction and the
        tree was walked at once, while the dialog was being destroyed; a
        real click and waiting (in X, not AT-SPI) for the window to go do
        not."""
        window = self._window_of(node)
        self.click_at(node)

        def shown():
            info = subprocess.run(["xwininfo", "-id", window], capture_output=True, text=True)
            return info.returncode == 0 and "IsViewable" in info.stdout

        deadline = time.monotonic() + DEFAULT_TIMEOUT
        while shown():
            if time.monotonic() > deadline:
                raise AssertionError("the dialog's window did not close")
            time.sleep(0.05)

    def _xdotool(self, *args, window=None):
        # No window manager under Xvfb: give the window the X focus first,
        # then type with XTEST so GTK sees real key events.
        subprocess.run(["xdotool", "windowfocus", "--sync", window or self._window()],
                       check=True, capture_output=True, timeout=10)
        subprocess.run(["xdotool", *args], check=True, capture_output=True, timeout=30)

    def key(self, *names, window=None):
        """Presses keys by X keysym name: key("F5"), key("ctrl+l"); into
        the main window, or the toplevel titled @window."""
        self._xdotool("key", "--clearmodifiers", *names,
                      window=self._window(window) if window else None)

    def type_keys(self, text, delay_ms=4, window=None):
        """Types text as key events into whatever has the focus."""
        self._xdotool("type", "--clearmodifiers", "--delay", str(delay_ms), text,
                      window=self._window(window) if window else None)

    def scan(self, code):
        """A barcode scanner: fast key events and Enter, into the focused
        scan field."""
        self.type_keys(code, delay_ms=4)
        self.key("Return")

    # Evidence

    def screenshot(self, label):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, "atspi-%s-%s.png" % (self.name, label))
        try:
            subprocess.run(["import", "-window", "root", path], check=True,
                           capture_output=True, timeout=20)
        except (OSError, subprocess.SubprocessError) as error:
            return "(no screenshot: %s)" % error
        return path
