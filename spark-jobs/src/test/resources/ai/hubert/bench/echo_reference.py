"""Test script for PythonReferenceTest: echoes its arguments and an environment variable.

First argument "fail": writes to stderr and exits with status 7. First argument "sleep": sleeps for a minute.
"""
import os
import sys
import time

args = sys.argv[1:]
print("args=" + "|".join(args))
print("greeting=" + os.environ.get("HUBERT_BENCH_TEST_GREETING", "<unset>"))
sys.stdout.flush()
if args and args[0] == "fail":
    print("something broke on purpose", file=sys.stderr)
    sys.exit(7)
if args and args[0] == "sleep":
    time.sleep(60)
