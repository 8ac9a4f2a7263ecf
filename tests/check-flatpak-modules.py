#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the flatpak manifest's modules build, not only that its JSON
parses: no flatpak runtime can be downloaded here, so each third-party
module is checked from the same upstream release taken from Debian's source
packages (any suite: bookworm, bookworm-backports, trixie, sid).

For each module:
  - its version is found in Debian's source packages (a module pinned to a
    version Debian does not have cannot be checked, and fails);
  - for an archive source, the sha256 of Debian's .orig archive (the upstream
    release archive, unrepacked) must equal the manifest's; for a git source,
    the archive's own version must be the tag's;
  - its configure step runs with exactly the manifest's config-opts and
    build-options (cflags, ldflags, env), and fails on any option the module
    does not know (autoconf's "unrecognized options", CMake's "Manually-
    specified variables were not used", meson's own error);
  - pkg-config answers only for what org.gnome.Sdk//49 has
    (tests/flatpak-sdk.txt) and what earlier modules install, so a module
    that needs a library missing from the SDK fails (GSound: libcanberra).
SQLCipher and libpq are built and installed into a private prefix the way
flatpak-builder does it (make with the module's make-args, make install
with its make-install-args, then its post-install commands), each must
install the pkg-config files it provides, and Packbench's own module is
configured with the manifest's options against them (its meson checks that
it is SQLCipher 4).

Downloads and the SQLCipher build are cached (default ~/.cache/packbench/
flatpak-modules, or $PB_FLATPAK_CACHE). Needs the network to the Debian
mirror this machine already uses (tools/debian-mirror.sh) and the -dev
packages of tools/packages.txt.

Usage: check-flatpak-modules.py [--manifest M] [--work DIR]
"""

import argparse
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SDK_LIST = os.path.join(ROOT, "tests", "flatpak-sdk.txt")

# Debian's source package for each third-party module, and the pkg-config
# names the module installs for the modules after it.
MODULES = {
    "sqlcipher": {"debian": "sqlcipher", "provides": ["sqlcipher"], "build": True},
    "poppler": {"debian": "poppler", "provides": ["poppler", "poppler-glib"]},
    "qrencode": {"debian": "qrencode", "provides": ["libqrencode"]},
    # libpq alone from PostgreSQL's source (postgresql-MAJOR.MINOR.tar.bz2);
    # Debian has one source package per major version.
    "libpq": {"debian": "postgresql-{major}", "archive": "postgresql",
              "provides": ["libpq"], "build": True, "smoke": "libpq"},
    # Code 128 for despatch notes and pick lists; upstream's archive is
    # zint-VERSION-src.tar.xz, installs no pkg-config file (Packbench finds
    # the library by name), and only the library is needed.
    "zint": {"debian": "zint", "suffix": "-src", "provides": []},
    # Not in the manifest any more (needs libcanberra, which the SDK lacks);
    # known here so that the checker's own test can show that it fails.
    "gsound": {"debian": "gsound", "provides": ["gsound"]},
}
# The flatpak SDK's default flags (org.freedesktop.Sdk: -O2 -g -pipe and
# hardening); build-options add to them, as flatpak-builder does.
SDK_CFLAGS = "-O2 -g -pipe -fstack-protector-strong -D_FORTIFY_SOURCE=2"
SDK_LDFLAGS = "-Wl,-z,relro,-z,now -Wl,--as-needed"

UNKNOWN_OPTION = [
    re.compile(r"unrecognized options?:", re.I),                       # autoconf
    re.compile(r"Manually-specified variables were not used", re.I),   # CMake
    re.compile(r"Unknown options?:", re.I),                            # meson
]

# A program built against a module's install and run: libpq must be the
# archive's version (PQlibVersion: 150018 for 15.18) and have TLS by OpenSSL,
# or sslmode=verify-full cannot work.
SMOKE = {
    "libpq": r"""
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
int main (void) {
  const char *library = PQsslAttribute (NULL, "library");
  printf ("%d %s\n", PQlibVersion (), library ? library : "none");
  return 0;
}
""",
}

failures = []


def log(message):
    print(message, flush=True)


def fail(module, message):
    failures.append("%s: %s" % (module, message))
    log("FAIL %s: %s" % (module, message))


def run(args, cwd=None, env=None, logfile=None, timeout=900):
    log("+ " + " ".join(shlex.quote(a) for a in args))
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    output = result.stdout + result.stderr
    if logfile:
        with open(logfile, "w") as handle:
            handle.write(output)
    return result.returncode, output


def read_sdk_list():
    names = set()
    with open(SDK_LIST) as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line.split()[0])
    return names


class Apt:
    """A private deb-src APT setup in the cache: the machine's mirror, four
    suites, its own lists; the machine's APT configuration is not touched."""

    def __init__(self, cache):
        self.dir = os.path.join(cache, "apt")
        os.makedirs(os.path.join(self.dir, "lists", "partial"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "cache", "archives", "partial"), exist_ok=True)
        mirror = subprocess.run([os.path.join(ROOT, "tools", "debian-mirror.sh"), "bookworm"],
                                capture_output=True, text=True, check=True).stdout.strip()
        self.sources = os.path.join(self.dir, "sources.sources")
        with open(self.sources, "w") as handle:
            handle.write("Types: deb-src\nURIs: %s\n"
                         "Suites: bookworm bookworm-backports trixie sid\n"
                         "Components: main\n"
                         "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" % mirror)
        self.options = ["-o", "Dir::Etc::sourcelist=" + self.sources,
                        "-o", "Dir::Etc::sourceparts=/dev/null",
                        "-o", "Dir::State::Lists=" + os.path.join(self.dir, "lists"),
                        "-o", "Dir::Cache=" + os.path.join(self.dir, "cache"),
                        "-o", "Debug::NoLocking=1"]
        if os.getuid() == 0:
            self.options += ["-o", "APT::Sandbox::User=root"]
        stamp = os.path.join(self.dir, "updated")
        if not os.path.exists(stamp) or time.time() - os.path.getmtime(stamp) > 86400:
            status, output = run(["apt-get", "-q"] + self.options + ["update"])
            if status != 0:
                raise SystemExit("apt-get update failed:\n" + output)
            open(stamp, "w").close()

    def versions(self, package):
        status, output = run(["apt-cache"] + self.options + ["showsrc", package])
        return re.findall(r"^Version: (\S+)", output, re.M) if status == 0 else []

    def orig(self, package, version, dest):
        """Debian's .orig archive of @package @version: the upstream one."""
        os.makedirs(dest, exist_ok=True)
        upstream = upstream_version(version)
        found = [n for n in os.listdir(dest)
                 if n.startswith("%s_%s.orig.tar." % (package, upstream))]
        if not found:
            # Some indexed revisions lost their .debian.tar.* on the mirror;
            # the .orig archive is what matters.
            run(["apt-get", "-q"] + self.options
                + ["source", "--download-only", "%s=%s" % (package, version)], cwd=dest)
            found = [n for n in os.listdir(dest)
                     if n.startswith("%s_%s.orig.tar." % (package, upstream))]
        return os.path.join(dest, found[0]) if found else None


def upstream_version(debian_version):
    version = debian_version.split(":", 1)[-1]
    return version.rsplit("-", 1)[0] if "-" in version else version


def module_version(module, info):
    source = module["sources"][0]
    if source["type"] == "git":
        return source.get("tag", "").lstrip("v")
    name = os.path.basename(source["url"])
    archive = info.get("archive", module["name"])
    match = re.match(r"^%s-(.+?)%s\.tar\.\w+$" % (re.escape(archive),
                                                   re.escape(info.get("suffix", ""))), name)
    return match.group(1) if match else None


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(archive, dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data") if hasattr(tarfile, "data_filter") \
            else tar.extractall(dest)
    entries = os.listdir(dest)
    return os.path.join(dest, entries[0]) if len(entries) == 1 else dest


def write_pkg_config_guard(work, allowed):
    """A pkg-config that answers only for @allowed and logs what it refused."""
    path = os.path.join(work, "bin", "pkg-config")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(os.path.join(work, "allowed.txt"), "w") as handle:
        handle.write("\n".join(sorted(allowed)) + "\n")
    with open(path, "w") as handle:
        handle.write("""#!/usr/bin/python3
import os, sys
allowed = set(open(%r).read().split()) | {"pkg-config"}
with_arg = {"--atleast-version", "--exact-version", "--max-version", "--variable",
            "--define-variable", "--atleast-pkgconfig-version"}
import re
args, names, skip = sys.argv[1:], [], False
for arg in args:
    if skip:
        skip = False
        continue
    if arg in with_arg:
        skip = True
        continue
    if arg.startswith("-"):
        continue
    # "glib-2.0 >= 2.74", "cairo>=1.16", "a, b": names, operators, versions.
    after_operator = False
    for token in re.findall(r"[<>=!]+|[^\s,<>=!]+", arg):
        if re.fullmatch(r"[<>=!]+", token):
            after_operator = True
        elif after_operator:
            after_operator = False
        else:
            names.append(token)
    skip = after_operator
refused = [n for n in names if n not in allowed]
if refused:
    with open(%r, "a") as log:
        log.write(" ".join(refused) + "\\n")
    sys.stderr.write("check-flatpak-modules: not in org.gnome.Sdk//49 (tests/flatpak-sdk.txt) "
                     "nor installed by an earlier module: %%s\\n" %% " ".join(refused))
    sys.exit(1)
os.execv("/usr/bin/pkg-config", ["pkg-config"] + args)
""" % (os.path.join(work, "allowed.txt"), os.path.join(work, "refused.log")))
    os.chmod(path, 0o755)
    return path


def module_env(module, work, prefix, guard):
    options = module.get("build-options", {})
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(guard) + os.pathsep + env["PATH"]
    env["PKG_CONFIG"] = guard
    env["PKG_CONFIG_PATH"] = os.pathsep.join(
        [os.path.join(prefix, "lib", "pkgconfig")] + env.get("PKG_CONFIG_PATH", "").split(
            os.pathsep))
    env["CFLAGS"] = (SDK_CFLAGS + " " + options.get("cflags", "")).strip()
    env["CXXFLAGS"] = (SDK_CFLAGS + " " + options.get("cxxflags", "")).strip()
    env["LDFLAGS"] = (SDK_LDFLAGS + " " + options.get("ldflags", "")).strip()
    env["CPPFLAGS"] = "-I" + os.path.join(prefix, "include")
    env["LD_LIBRARY_PATH"] = os.path.join(prefix, "lib")
    env.update(options.get("env", {}))
    for key in ("cflags-override", "ldflags-override", "prefix", "append-path"):
        if key in options:
            fail(module["name"], "build-options.%s is not supported by this check" % key)
    return env


def configure(module, source, build, prefix, env):
    name = module["name"]
    opts = module.get("config-opts", [])
    system = module.get("buildsystem", "autotools")
    if system == "autotools":
        args = [os.path.join(source, "configure"), "--prefix=" + prefix] + opts
        cwd = build
    elif system == "cmake-ninja":
        args = ["cmake", "-G", "Ninja", "-DCMAKE_INSTALL_PREFIX=" + prefix,
                "-DCMAKE_INSTALL_LIBDIR=lib", source] + opts
        cwd = build
    elif system == "meson":
        args = ["meson", "setup", "--prefix=" + prefix, "--libdir=lib", build, source] + opts
        cwd = None
    else:
        fail(name, "buildsystem %s is not checked here" % system)
        return False
    # flatpak-builder's own first check: the build system's file is there.
    wanted = {"autotools": "configure", "cmake-ninja": "CMakeLists.txt",
              "meson": "meson.build"}[system]
    if not os.path.exists(os.path.join(source, wanted)):
        fail(name, "buildsystem %s, but the source has no %s" % (system, wanted))
        return False
    os.makedirs(build, exist_ok=True)
    status, output = run(args, cwd=cwd, env=env, logfile=build + ".configure.log")
    unknown = [line.strip() for line in output.splitlines()
               if any(pattern.search(line) for pattern in UNKNOWN_OPTION)]
    if system == "cmake-ninja" and unknown:
        # CMake names the unused variables on the lines after the warning.
        tail = output.split("Manually-specified variables were not used", 1)[1]
        names = [l.strip() for l in tail.splitlines()[1:8] if l.strip().isupper()
                 or l.strip().startswith(("ENABLE_", "BUILD_", "WITH_"))]
        # flatpak-builder's own -DCMAKE_INSTALL_LIBDIR=lib (added above as it
        # adds it) is not the manifest's: zint's CMake installs to lib anyway.
        names = [n for n in names if n != "CMAKE_INSTALL_LIBDIR"]
        unknown = unknown + names if names else []
    if unknown:
        fail(name, "options the module does not know: " + "; ".join(unknown))
    if status != 0:
        fail(name, "configure failed (%s.configure.log):\n%s" % (build, output[-3000:]))
        return False
    return not unknown


def build_and_install(module, build, env):
    """As flatpak-builder: make -jN MAKE-ARGS, make install MAKE-INSTALL-ARGS
    (unless no-make-install), then each post-install command with sh -c, all
    in the build folder."""
    name = module["name"]
    steps = [["make", "-j%d" % (os.cpu_count() or 2)] + module.get("make-args", [])]
    if not module.get("no-make-install"):
        steps.append(["make", "install"] + module.get("make-install-args", []))
    steps += [["/bin/sh", "-c", command] for command in module.get("post-install", [])]
    for number, step in enumerate(steps):
        status, output = run(step, cwd=build, env=env, timeout=1800,
                             logfile="%s.build-%d.log" % (build, number))
        if status != 0:
            fail(name, "%s failed (%s.build-%d.log):\n%s"
                 % (" ".join(step), build, number, output[-3000:]))
            return False
    return True


def smoke(module, info, version, work, guard, env):
    """Builds and runs SMOKE[info["smoke"]] against the module's install."""
    name = module["name"]
    source = os.path.join(work, "smoke-%s.c" % name)
    program = os.path.join(work, "smoke-%s" % name)
    with open(source, "w") as handle:
        handle.write(SMOKE[info["smoke"]])
    status, flags = run(["/usr/bin/pkg-config", "--cflags", "--libs"] + info["provides"],
                        env=env)
    if status == 0:
        status, output = run(["cc", "-o", program, source] + shlex.split(flags), env=env)
    if status != 0:
        fail(name, "a program cannot be built against its install:\n" + flags + output)
        return False
    status, output = run([program], env=env)
    numbers = [int(n) for n in version.split(".")[:2]]
    expected = "%d OpenSSL" % (numbers[0] * 10000 + (numbers[1] if len(numbers) > 1 else 0))
    if status != 0 or output.strip() != expected:
        fail(name, "the program says %r, %r expected (PQlibVersion, TLS library)"
             % (output.strip(), expected))
        return False
    log("  %s: a program built against it says %s" % (name, output.strip()))
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", default=os.path.join(
        ROOT, "flatpak", "io.github.packbench.Packbench.json"))
    parser.add_argument("--work", default=None, help="work folder (default: in the cache)")
    args = parser.parse_args()

    cache = os.environ.get("PB_FLATPAK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "packbench", "flatpak-modules")
    work = args.work or os.path.join(cache, "work")
    os.makedirs(work, exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    # One check at a time uses the cache (downloads, the SQLCipher build).
    lock = open(os.path.join(cache, "lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    with open(args.manifest) as handle:
        manifest = json.load(handle)
    sdk = read_sdk_list()
    allowed = set(sdk)
    apt = Apt(cache)
    # SQLCipher's install, kept between runs: rebuilt when its archive or
    # options change (a stamp holds their hash).
    prefix = os.path.join(cache, "prefix")
    refused_log = os.path.join(work, "refused.log")
    if os.path.exists(refused_log):
        os.remove(refused_log)
    guard = write_pkg_config_guard(work, allowed)
    started = time.monotonic()

    for module in manifest["modules"]:
        name = module["name"]
        if name == "packbench":
            continue
        info = MODULES.get(name)
        if info is None:
            fail(name, "unknown module: add it to MODULES in %s" % os.path.basename(__file__))
            continue
        version = module_version(module, info)
        if not version:
            fail(name, "cannot tell its version from the source")
            continue
        info = dict(info, debian=info["debian"].format(major=version.split(".")[0]))
        debian = [v for v in apt.versions(info["debian"]) if upstream_version(v).split(
            "+")[0].split("~")[0] == version]
        if not debian:
            fail(name, "version %s is not in Debian (bookworm, bookworm-backports, trixie, "
                 "sid): pin one that is, so that it can be checked" % version)
            continue
        orig = apt.orig(info["debian"], debian[-1], os.path.join(cache, "downloads", name))
        if orig is None:
            fail(name, "Debian's archive of %s could not be downloaded" % debian[-1])
            continue
        source = module["sources"][0]
        log("%s %s: Debian %s, %s" % (name, version, debian[-1], os.path.basename(orig)))
        if source["type"] == "archive":
            repacked = re.search(r"[+~](dfsg|ds|repack)", debian[-1])
            ext = os.path.basename(source["url"]).rsplit(".tar.", 1)[-1]
            if not orig.endswith(".tar." + ext):
                fail(name, "the URL names a .tar.%s, Debian's upstream archive is %s"
                     % (ext, os.path.basename(orig)))
            elif repacked:
                log("  (Debian repacked it: sha256 not compared)")
            elif sha256(orig) != source.get("sha256"):
                fail(name, "sha256 %s in the manifest, %s of the upstream archive"
                     % (source.get("sha256"), sha256(orig)))
        tree = unpack(orig, os.path.join(work, "src", name))
        if name == "sqlcipher":
            text = open(os.path.join(tree, "src", "sqlcipher.c"), encoding="utf-8",
                        errors="replace").read()
            found = re.search(r"#define CIPHER_VERSION_NUMBER (\S+)", text)
            if not found or found.group(1) != version:
                fail(name, "the archive is SQLCipher %s, the tag says %s"
                     % (found.group(1) if found else "?", version))

        env = module_env(module, work, prefix, guard)
        build = os.path.join(work, "build", name)
        if os.path.exists(build):
            shutil.rmtree(build)
        stamp = os.path.join(prefix, ".%s.stamp" % name)
        key = hashlib.sha256(json.dumps([module, sha256(orig), SDK_CFLAGS, SDK_LDFLAGS],
                                        sort_keys=True).encode()).hexdigest()
        if not configure(module, tree, build, prefix, env):
            continue
        if info.get("build"):
            if os.path.exists(stamp) and open(stamp).read() == key:
                log("  %s: built before with the same archive and options (cached)" % name)
            else:
                if not build_and_install(module, build, env):
                    continue
                with open(stamp, "w") as handle:
                    handle.write(key)
            missing = [n for n in info["provides"]
                       if not os.path.exists(os.path.join(prefix, "lib", "pkgconfig",
                                                          n + ".pc"))]
            if missing:
                fail(name, "installed no %s" % ", ".join(n + ".pc" for n in missing))
                continue
        if info.get("smoke") and not smoke(module, info, version, work, guard, env):
            continue
        allowed.update(info["provides"])
        write_pkg_config_guard(work, allowed)

    # Packbench's own module, with the manifest's options, against the
    # SQLCipher built above (poppler and qrencode: this machine's, as
    # stand-ins for the modules configured above).
    packbench = next((m for m in manifest["modules"] if m["name"] == "packbench"), None)
    if packbench is None:
        fail("packbench", "the manifest has no packbench module")
    elif not os.path.exists(os.path.join(prefix, "lib", "pkgconfig", "sqlcipher.pc")):
        fail("packbench", "no sqlcipher.pc from the SQLCipher module, so Packbench's "
             "dependency('sqlcipher') cannot be found")
    else:
        env = module_env(packbench, work, prefix, guard)
        build = os.path.join(work, "build", "packbench")
        if os.path.exists(build):
            shutil.rmtree(build)
        if configure(packbench, ROOT, build, os.path.join(work, "app"), env):
            output = open(build + ".configure.log").read()
            match = re.search(r"Message: SQLCipher (\S+)", output)
            if not match or not match.group(1).startswith("4."):
                fail("packbench", "did not configure against SQLCipher 4 (%s)"
                     % (match.group(1) if match else "no version message"))
            for library in ("sqlcipher", "libpq"):
                status, which = run([guard, "--variable=prefix", library], env=env)
                if which.strip() != prefix:
                    fail("packbench", "found %s in %s, not the module's %s"
                         % (library, which.strip(), prefix))
            if not failures:
                log("packbench: configured against the module's SQLCipher %s and libpq"
                    % match.group(1))

    if os.path.exists(refused_log):
        log("pkg-config lookups refused (not in the SDK; fine when optional):\n  "
            + "\n  ".join(sorted(set(open(refused_log).read().split()))))
    log("checked in %.0f s" % (time.monotonic() - started))
    if failures:
        log("\n%d problem(s):\n  %s" % (len(failures), "\n  ".join(failures)))
        return 1
    log("every module of the manifest configures with its own options; SQLCipher and "
        "libpq build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
