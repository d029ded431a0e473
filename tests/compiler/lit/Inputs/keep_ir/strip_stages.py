"""Makes one cache entry look like one written before --keep-ir existed: its
sm_N.ttir/.ttgir/.llir removed and its record 'complete' rewritten without them (so
the entry is valid, not corrupt)."""
import glob
import json
import os
import sys

entry = sorted(glob.glob(os.path.join(sys.argv[1], "*", "*", "complete")))[0]
folder = os.path.dirname(entry)
record = json.load(open(entry))
for name in list(record["files"]):
    if name.rsplit(".", 1)[-1] in ("ttir", "ttgir", "llir"):
        os.remove(os.path.join(folder, name))
        del record["files"][name]
json.dump(record, open(entry, "w"), indent=1)
