#!/usr/bin/env python3
"""Checks that a .deb's Depends covers everything Chord needs at run time on Debian.

The CI machine has every Qt package installed, so installing the .deb there can never reveal a missing
dependency. Instead, each thing the app needs is mapped to the Debian package that ships it (dpkg -S) and
looked up in the package's Depends:
  * every QML module the app's QML imports (qmlimportscanner): named in Depends itself, because QML modules
    are loaded at run time and nothing else would pull them in;
  * every library the executable links (DT_NEEDED, resolved by ldd): named in Depends itself (that is what
    dpkg-shlibdeps writes);
  * every shared object a real run loaded (ldd's transitive libraries, and with --loaded the LD_DEBUG=files log
    of a run: Qt plugins, QML plugins): in Depends or in the closure of Depends (apt-cache depends --recurse).
Exit status 0 when all are covered; otherwise the missing packages are listed with what needs them.

usage: check_deb_depends.py --deb chord.deb --binary path/to/chord --qml-dir qml [--loaded ld_debug.log]
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

OWN_QML_MODULES = {"Chord"}  # compiled into the executable (static QML module)


def run(cmd, check=True):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"check_deb_depends: {' '.join(cmd)} failed:\n{result.stderr}")
    return result.stdout


def depends_of(deb):
    """Package names in the .deb's Depends and Pre-Depends (every alternative counts)."""
    names = set()
    for field in ("Depends", "Pre-Depends"):
        value = run(["dpkg-deb", "-f", deb, field], check=False)
        for alternative in re.split(r"[,|]", value):
            name = re.sub(r"\(.*?\)|\[.*?\]|:any|:native", "", alternative).strip()
            if name:
                names.add(name)
    return names


def with_providers(names):
    """Adds the installed packages that Provide a virtual name (libspdlog1.10 provides libspdlog1.10-fmt9,
    the name its shlibs file hands to dpkg-shlibdeps)."""
    out = run(["dpkg-query", "-W", "-f", "${Package} ${Provides}\n"])
    result = set(names)
    for line in out.splitlines():
        package, _, provides = line.partition(" ")
        for virtual in provides.split(","):
            if re.sub(r"\(.*?\)", "", virtual).strip() in names:
                result.add(package.split(":")[0])
    return result


def closure_of(packages):
    out = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
               "--no-breaks", "--no-replaces", "--no-enhances", *sorted(packages)], check=False)
    names = set(packages)
    for line in out.splitlines():
        # Package headers start in column 0; their dependencies are indented "Depends: name" lines.
        m = re.match(r"^\s*\|?(?:Pre)?Depends: <?([^>\s]+)>?", line)
        if m:
            names.add(m.group(1).split(":")[0])
        elif line and not line[0].isspace():
            names.add(line.strip("<>").split(":")[0])
    return names


def owners(paths):
    """path -> Debian package, trying the path as given, its /usr-merged twin, then the resolved path.
    One dpkg -S call for all candidates: each call reads the whole dpkg database."""
    candidates = {}
    for path in paths:
        real = os.path.realpath(path)
        tries = []
        for p in (path, real):
            tries += [p, p[len("/usr"):] if p.startswith("/usr/") else "/usr" + p]
        candidates[path] = tries
    everything = sorted({c for tries in candidates.values() for c in tries})
    owner_of = {}
    if everything:
        out = run(["dpkg", "-S", *everything], check=False)
        for line in out.splitlines():
            if line.startswith("diversion by"):
                continue
            packages, _, path = line.partition(": ")
            owner_of.setdefault(path, packages.split(",")[0].split(":")[0].strip())
    result = {}
    for path, tries in candidates.items():
        found = next((owner_of[c] for c in tries if c in owner_of), None)
        if found:
            result[path] = found
    return result


def qml_import_dirs(qml_dir):
    scanner = next((p for p in ("/usr/lib/qt6/libexec/qmlimportscanner", "/usr/lib/qt6/bin/qmlimportscanner")
                    if os.path.exists(p)), None)
    if scanner is None:
        sys.exit("check_deb_depends: qmlimportscanner not found (qt6-declarative-dev-tools)")
    qml_root = run(["qtpaths6", "--query", "QT_INSTALL_QML"]).strip()
    imports = json.loads(run([scanner, "-rootPath", qml_dir, "-importPath", qml_root]))
    direct = set()
    for qml in Path(qml_dir).glob("**/*.qml"):
        direct |= set(re.findall(r"^\s*import\s+([A-Za-z][\w.]*)", qml.read_text(), re.MULTILINE))
    found, unresolved, skipped = {}, [], []
    for entry in imports:
        if entry.get("type") != "module" or entry["name"] in OWN_QML_MODULES:
            continue
        name = entry["name"]
        if "path" in entry:
            found[name] = entry["path"]
        elif name in direct:
            unresolved.append(name)
        else:
            # Imported by a module the app does not load here (another platform's or style's), not by Chord.
            skipped.append(name)
    return found, unresolved, skipped


def needed_libraries(binary):
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", run(["readelf", "-d", binary])))
    direct, transitive = {}, {}
    for line in run(["ldd", binary]).splitlines():
        m = re.match(r"\s*(\S+) => (/\S+)", line)
        if m:
            (direct if m.group(1) in needed else transitive)[m.group(1)] = m.group(2)
    return needed, direct, transitive


def loaded_objects(log):
    paths = set()
    for line in Path(log).read_text(errors="replace").splitlines():
        m = re.search(r"calling (?:init|fini): (/\S+\.so[\S]*)", line)
        if m:
            paths.add(m.group(1))
    return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deb", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--qml-dir", required=True)
    ap.add_argument("--loaded")
    args = ap.parse_args()

    depends = with_providers(depends_of(args.deb))
    closure = closure_of(depends)
    print(f"Depends names {len(depends)} packages (closure {len(closure)}): {', '.join(sorted(depends))}")
    problems = []

    modules, unresolved, skipped = qml_import_dirs(args.qml_dir)
    if skipped:
        print(f"  not checked (not installed here, imported only by other styles/platforms): {', '.join(skipped)}")
    for name in unresolved:
        problems.append(f"QML import {name}: not installed on this machine, cannot map it to a package")
    qmldir_owner = owners([os.path.join(p, "qmldir") for p in modules.values()])
    for name, path in sorted(modules.items()):
        package = qmldir_owner.get(os.path.join(path, "qmldir"))
        if package is None:
            problems.append(f"QML import {name}: no package owns {path}/qmldir")
        elif package not in depends:
            problems.append(f"QML import {name}: package {package} is not in Depends")
        else:
            print(f"  QML {name:32s} -> {package}")

    needed, direct, transitive = needed_libraries(args.binary)
    missing = needed - set(direct)
    for lib in sorted(missing):
        problems.append(f"linked library {lib}: ldd cannot resolve it")
    direct_owner = owners(direct.values())
    for lib, path in sorted(direct.items()):
        package = direct_owner.get(path)
        if package is None:
            problems.append(f"linked library {lib} ({path}): no package owns it")
        elif package not in depends:
            problems.append(f"linked library {lib}: package {package} is not in Depends")
        else:
            print(f"  lib {lib:32s} -> {package}")

    indirect = set(transitive.values())
    if args.loaded:
        indirect |= loaded_objects(args.loaded)
    indirect -= set(direct.values())
    indirect_owner = owners(indirect)
    for path in sorted(indirect):
        package = indirect_owner.get(path)
        if package is None:
            problems.append(f"loaded object {path}: no package owns it")
        elif package not in closure:
            problems.append(f"loaded object {path}: package {package} is not reachable from Depends")
    print(f"  {len(indirect)} other shared objects (transitive, loaded at run time) come from "
          f"{len(set(indirect_owner.values()))} packages")

    if problems:
        print("check_deb_depends: FAILED", *problems, sep="\n  ")
        return 1
    print(f"check_deb_depends: OK ({len(modules)} QML modules, {len(direct)} linked libraries, "
          f"{len(indirect)} other shared objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
