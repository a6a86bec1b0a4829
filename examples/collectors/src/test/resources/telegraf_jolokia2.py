"""Does what Telegraf's jolokia2_agent input does with a config file, against a live Jolokia agent.

Reads the TOML, sends one POST of read requests to URL/read per agent (as plugins/inputs/jolokia2/common/client.go:
attribute as a string for one path, a list for several), and prints the points it would make in line protocol
(measurement, tag_keys from the ObjectName, one field per attribute; a map's keys joined to its name with ".", and
an array dropped, as plugins/inputs/jolokia2/common/point_builder.go does). Exits 1 on any status other than 200.
Usage: telegraf_jolokia2.py CONFIG JOLOKIA_URL
"""
import json
import sys
import tomllib
import urllib.request


def main(config_path, url):
    with open(config_path, "rb") as f:
        config = tomllib.load(f)
    failed = False
    for agent in config["inputs"]["jolokia2_agent"]:
        metrics = agent["metric"]
        requests = []
        for m in metrics:
            r = {"type": "read", "mbean": m["mbean"]}
            paths = m.get("paths", [])
            if len(paths) == 1:
                r["attribute"] = paths[0]
            elif len(paths) > 1:
                r["attribute"] = paths
            requests.append(r)
        body = json.dumps(requests).encode()
        req = urllib.request.Request(url.rstrip("/") + "/read", data=body, method="POST",
                                     headers={"Content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            responses = json.load(resp)
        for m, r in zip(metrics, responses):
            if r.get("status") != 200:
                print("ERROR %s: %s" % (m["mbean"], r.get("error")))
                failed = True
                continue
            value = r["value"]
            pattern = "*" in m["mbean"] or "?" in m["mbean"]
            beans = value.items() if pattern else [(m["mbean"], value)]
            for name, attributes in sorted(beans):
                if not isinstance(attributes, dict):
                    # One path asked for alone: Jolokia answers its value, which Telegraf names by the path.
                    attributes = {paths_of(m)[0]: attributes}
                props = dict(p.split("=", 1) for p in name.split(":", 1)[1].split(","))
                prefix = m.get("tag_prefix", "")
                tags = "".join(",%s%s=%s" % (prefix, k, props[k]) for k in m.get("tag_keys", []) if k in props)
                flat = {}
                fill_fields("", attributes, flat)
                fields = ",".join("%s=%s" % (k, field(v)) for k, v in sorted(flat.items()))
                print("%s%s %s" % (m["name"], tags, fields))
    return 1 if failed else 0


def fill_fields(name, value, out):
    """As point_builder.go's FillFields: a map's keys join the name with ".", an array makes no field at all."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(v, list):
                fill_fields(k if name == "" else name + "." + k, v, out)
        return
    if isinstance(value, list):
        return
    out[name] = value


def paths_of(m):
    return m.get("paths", [])


def field(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return "%di" % v
    if isinstance(v, float):
        return repr(v)
    return json.dumps(str(v))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
