#!/usr/bin/env python3
"""Makes libecm-vectors.tsv: GMP-ECM's own success probabilities for inputs NOT in tlevel-vectors.tsv.

For each case the real `ecm -v` (GMP-ECM 7.0.5, /usr/bin/ecm) is run on the 125-digit N of tlevel.md section 5.1 and
killed after it printed its plan (`Using B1=..., B2=..., polynomial ...` and `dF=..., k=...`); then libecm's own
`ecmprob` (exported as __ecm_ecmprob by /usr/lib/x86_64-linux-gnu/libecm.so.1) is called through ctypes with exactly
the arguments ecm.c's print_expcurves passes it, for every digit size 10..100, unrounded.

Run from this folder: python3 make-libecm-vectors.py > libecm-vectors.tsv
"""
import ctypes
import math
import re
import subprocess

N = ("42214884580999314880612063700196298877846147530908456026437749150920328526731993590721960880144820273288071342817"
     "650612029281")
# (B1, B2 given or None for ecm's default, param, extra ecm options)
CASES = [
    (1234567, None, 3, []), (2000, None, 1, []), (15000, None, 3, []), (19999, None, 1, []), (20000, None, 1, []),
    (700000, None, 0, []), (123456789, None, 3, []), (45000000, None, 1, []), (2000000000, None, 3, []),
    (300000, None, 2, []), (1700000, None, 3, []), (77000, None, 1, []),
    (1000000, 1045563762, 3, []), (11000, 15000, 3, []), (11000, 500000000, 1, []), (20000, 10000000, 1, []),
    (3000000, 100000000, 3, []), (1000000, 1000000, 1, []), (1000000, 500000, 3, []), (43000000, 1000000000000, 3, []),
    (250000, 25000000000, 0, []), (100000, 1000000000000000, 1, []), (1100000000, 100000000000, 3, []),
    (777777, 0, 3, []), (5000, 0, 1, []),
    (1000000, None, 1, ["-no-ntt"]), (3000000, None, 3, ["-no-ntt"]), (3000000, 10000000000, 3, ["-no-ntt"]),
    (11000, None, 3, ["-no-ntt"]),
]
CORRECTION = {0: 1.0, 1: 0.416384512396064, 2: 1.0, 3: 0.330484606500389}

lib = ctypes.CDLL("/usr/lib/x86_64-linux-gnu/libecm.so.1")
lib.__ecm_rhoinit.argtypes = [ctypes.c_int, ctypes.c_int]
lib.__ecm_ecmprob.restype = ctypes.c_double
lib.__ecm_ecmprob.argtypes = [ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_int]
lib.__ecm_rhoinit(256, 10)


def plan(b1, b2, param, options):
    args = ["timeout", "10", "stdbuf", "-oL", "ecm", "-v", "-param", str(param)] + options + [str(b1)]
    if b2 is not None:
        args.append(str(b2))
    out = subprocess.run(args, input=N + "\n", capture_output=True, text=True).stdout
    using = re.search(r"^Using B1=(\d+), B2=(\d+), polynomial (x\^(\d+)|Dickson\((\d+)\))", out, re.M)
    if using is None:
        raise SystemExit("no Using line for %s:\n%s" % (args, out))
    s = int(using.group(4)) if using.group(4) else -int(using.group(5))
    dfk = re.search(r"^dF=(\d+), k=(\d+)", out, re.M)
    return int(using.group(2)), int(dfk.group(1)), int(dfk.group(2)), s


print("b1\tb2_given\tparam\tntt\tprinted_b2\tdF\tk\tS\tdigits\tprobability")
for b1, b2, param, options in CASES:
    printed_b2, dF, k, s = plan(b1, b2, param, options)
    for digits in range(10, 101):
        p = lib.__ecm_ecmprob(float(b1), float(printed_b2), math.pow(10., digits - .5) / CORRECTION[param],
                              float(dF) * dF * k, s)
        print("%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.17g" % (b1, "default" if b2 is None else b2, param,
              0 if "-no-ntt" in options else 1, printed_b2, dF, k, s, digits, p))
