"""Cost of one authenticate call from Python, CPU ns per call (median of 10 runs): through
authkit.Service (the package: argument checks, handle lock, JSON to dict) and through the SWIG
module authkit.capi alone (JSON text out)."""
import statistics
import sys
import time

import authkit
from authkit import capi

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
config = {
    "DATABASE_URL": "sqlite::memory:",
    "ACCESS_TOKEN_SECRET": "bench-access-secret-0123456789abcdef0123",
    "REFRESH_TOKEN_SECRET": "bench-refresh-secret-0123456789abcdef0123",
    "ARGON2_OPSLIMIT": 1,
    "ARGON2_MEMLIMIT": 8192,
    "LOG_LEVEL": "silent",
}


def cpu_ns_per_call(call) -> float:
    for _ in range(1000):  # warm-up
        call()
    runs = []
    for _ in range(10):
        start = time.process_time_ns()
        for _ in range(CALLS):
            call()
        runs.append((time.process_time_ns() - start) / CALLS)
    return statistics.median(runs)


with authkit.Service(config) as svc:
    svc.register("Bench", "bench@example.com", "bench password")
    token = svc.login("bench@example.com", "bench password")["accessToken"]
    handle = svc._handle  # the low-level handle, for the SWIG-only figure
    python = cpu_ns_per_call(lambda: svc.authenticate(token))
    swig = cpu_ns_per_call(lambda: capi.ak_token_authenticate(handle, None, token))
print(f"BM_AuthenticatePython {python:.0f}")
print(f"BM_AuthenticateSwigOnly {swig:.0f}")
