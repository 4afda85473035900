"""The check runner the client scripts share: each check prints PASS or FAIL with a
detail and the run goes on; `finish` prints 'LABEL: N passed, N failed' and exits 1 on
any failure."""
import sys

results = []


def check(name, fn):
    """Run `fn`; its return value is the PASS detail, any exception a FAIL."""
    try:
        detail = fn()
        results.append(True)
        print(f"PASS {name}: {detail}")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        results.append(False)
        print(f"FAIL {name}: {type(e).__name__}: {str(e)[:300]}")


def finish(label):
    """Print the tally and exit: 0 when every check passed."""
    print(f"{label}: {sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)
