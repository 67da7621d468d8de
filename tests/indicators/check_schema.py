#!/usr/bin/python3
"""check_schema.py TEGN -- the indicator document validates against
docs/indicator-json.schema.json (python3-jsonschema, Draft 2020-12), and a
document with a made-up verdict or a suppressed count left in does not, so
the schema is not one that accepts anything."""
import copy, json, os, subprocess, sys, tempfile
import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    os.chdir(ROOT)
    schema = json.load(open("docs/indicator-json.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        subprocess.run([sys.argv[1], "run", "scripts/alle.lua", "--out", out, "--quiet"],
                       check=True)
        doc = json.load(open(out))
    errors = list(v.iter_errors(doc))
    for e in errors[:10]:
        print("schema: %s at %s" % (e.message, "/".join(map(str, e.absolute_path))))
    bad = copy.deepcopy(doc)
    bad["indicators"][0]["verdicts"][0]["verdict"] = "better"
    leak = copy.deepcopy(doc)
    row = leak["indicators"][0]["series"][0]
    row["suppressed"], row["numerator"] = True, 3
    if v.is_valid(bad) or v.is_valid(leak):
        print("schema: accepts a document it must refuse")
        return 1
    print("check_schema: %d indicators valid" % len(doc["indicators"]))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
