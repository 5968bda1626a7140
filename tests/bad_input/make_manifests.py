#!/usr/bin/env python3
# usage: make_manifests.py tests/bad_input/inputs
# Writes a manifest.json into every fixture directory of the bad-input corpus (run and sweep
# directories), listing the regular files it holds with their sizes and SHA-256, as mountstorm
# writes one: the corpus's damaged files are then reached by their own parsers.
import hashlib, json, os, sys
root = sys.argv[1]
for group in ("rundirs", "sweepdirs"):
    for name in sorted(os.listdir(os.path.join(root, group))):
        d = os.path.join(root, group, name)
        if not os.path.isdir(d) or name == "no-manifest":  # that case has none on purpose
            continue
        files = []
        for f in sorted(os.listdir(d)):
            p = os.path.join(d, f)
            if f == "manifest.json" or not os.path.isfile(p):
                continue
            data = open(p, "rb").read()
            files.append({"bytes": len(data), "name": f, "sha256": hashlib.sha256(data).hexdigest()})
        m = {"command": [], "files": files, "format": 1, "inputs": [],
             "inputs_sha256": hashlib.sha256(b"").hexdigest(), "mountstorm": "0.1.0"}
        with open(os.path.join(d, "manifest.json"), "w") as out:
            json.dump(m, out, indent=2, sort_keys=True)
            out.write("\n")
