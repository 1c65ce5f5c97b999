"""What every nio client script shares: the report of observations, a fail-fast client config, and main().

A script defines `async def run(url, server_name, report)` and ends with
`sys.exit(harness.main(sys.argv, run, __doc__))`. The report is one JSON object on stdout:
{"nio": version, "steps": {name: what was observed}, "failures": [...]}; the exit code is 0 when every
observation matched, 1 on any mismatch or crash, 2 on bad usage. Logs go to stderr.
"""

import asyncio
import importlib.metadata
import json
import os
import sys

from nio import AsyncClientConfig
from nio.responses import ErrorResponse

PASSWORD = "correct horse battery staple"


class Report:
    def __init__(self, script):
        self.script = script
        self.steps = {}
        self.failures = []

    def step(self, name, response, **observed):
        """Records what a response showed: its nio type, the Matrix errcode if any, and named values."""
        entry = {"response": type(response).__name__}
        if isinstance(response, ErrorResponse):
            entry["errcode"] = response.status_code
            entry["error"] = response.message
        entry.update(observed)
        self.steps[name] = entry
        print(f"{self.script}: {name}: {entry}", file=sys.stderr)
        return entry

    def expect(self, name, condition, what):
        if not condition:
            self.failures.append(f"{name}: expected {what}; observed {self.steps.get(name)}")


def config(request_timeout=20):
    # Fail fast instead of nio's default of retrying timeouts and 429s forever.
    return AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=request_timeout)


def main(argv, run, doc):
    if len(argv) != 3:
        print(doc, file=sys.stderr)
        return 2
    report = Report(os.path.basename(argv[0]))
    try:
        asyncio.run(asyncio.wait_for(run(argv[1], argv[2], report), timeout=120))
    except Exception as e:  # a crash is a mismatch too, reported like one
        report.failures.append(f"exception: {type(e).__name__}: {e}")
    print(json.dumps({"nio": importlib.metadata.version("matrix-nio"), "steps": report.steps,
                      "failures": report.failures}, indent=2, sort_keys=True, default=str))
    return 1 if report.failures else 0
