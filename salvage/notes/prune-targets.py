#!/usr/bin/env python3
"""Frees disk in the build caches under /var/tmp: removes superseded executables (same package and
target, older build) together with their fingerprints, so cargo rebuilds rather than runs a missing file.
Also repairs caches where an executable is gone but its fingerprint stayed."""
import glob, os, re, shutil, time

now = time.time()
for prof in glob.glob('/var/tmp/t-*/*/') + glob.glob('/var/tmp/switchboard-ci-target/*/'):
    deps, fp = os.path.join(prof, 'deps'), os.path.join(prof, '.fingerprint')
    if not (os.path.isdir(deps) and os.path.isdir(fp)):
        continue
    units = {}  # hash -> (package, fingerprint dir, executable unit?)
    for d in os.listdir(fp):
        m = re.match(r'(.+)-([0-9a-f]{16})$', d)
        if not m:
            continue
        files = os.listdir(os.path.join(fp, d))
        exe = any(f.startswith(('test-', 'bin-')) and not f.endswith('.json') for f in files)
        units[m.group(2)] = (m.group(1), os.path.join(fp, d), exe)
    exes = {}
    for f in os.listdir(deps):
        m = re.match(r'(.+)-([0-9a-f]{16})$', f)
        if m and m.group(2) in units:
            exes[m.group(2)] = (m.group(1), os.path.join(deps, f))
    # Repair: an executable unit whose file is gone.
    for h, (pkg, d, exe) in units.items():
        if exe and h not in exes and now - os.path.getmtime(d) > 3600:
            shutil.rmtree(d, ignore_errors=True)
    # Prune: per (package, target) keep the newest executable.
    groups = {}
    for h, (name, path) in exes.items():
        groups.setdefault((units[h][0], name), []).append((os.path.getmtime(path), h, path))
    for key, items in groups.items():
        items.sort(reverse=True)
        for mtime, h, path in items[1:]:
            if now - mtime > 600:
                shutil.rmtree(units[h][1], ignore_errors=True)
                for p in (path, path + '.d'):
                    if os.path.exists(p):
                        os.remove(p)
os.system('df -h / | tail -1')
