#!/usr/bin/env python3
"""Chartly Profiler: the contract's interim command line, for callers that start Python.

    tools/profiler/profiler.py --env <dev|staging|prod> --target-type <service|workflow|run|operation|connector>
        --target-id <id> --window-start <RFC3339> --window-end <RFC3339> [--format json|yaml|text]
        [--dry-run] [--compare-to <baseline>] [--precision ms|s] [--include-metrics <a,b>] [--config <path>] [--help]

It takes exactly the flags of tools/profiler/profiler.ps1 and has its exit codes (0 success,
2 invalid arguments, 3 precondition failed, 4 validation failed, 5 access denied), because it
*is* profiler.ps1: every argument is handed to it unchanged, in a PowerShell 7 process, with this
process's working directory, environment, stdout and stderr. So the two print the same bytes and
nothing about flags, exit codes or output can drift between them.

PowerShell is found as, in order:
  1. $CHARTLY_PWSH, the path of a pwsh executable;
  2. pwsh on PATH;
  3. `dotnet pwsh`, the repository's pinned local tool (.config/dotnet-tools.json; run
     `dotnet tool restore` once), started from the repository root so that dotnet finds the tool
     manifest, with -WorkingDirectory set back to the caller's directory.
Without any of them it exits with 3 (a precondition failed), as profiler.ps1 does when it
cannot load the module.
"""

import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SCRIPT = os.path.join(HERE, "profiler.ps1")

EXIT_PRECONDITION_FAILED = 3


def fail(code, message):
    sys.stderr.write("profiler: " + message + "\n")
    sys.stderr.flush()
    return code


def find_pwsh():
    """Returns (command prefix, directory to start it in), or None."""
    explicit = os.environ.get("CHARTLY_PWSH")
    if explicit:
        return ([explicit], None) if os.path.isfile(explicit) else None
    pwsh = shutil.which("pwsh")
    if pwsh:
        return [pwsh], None
    dotnet = shutil.which("dotnet")
    if dotnet and os.path.isfile(os.path.join(REPO_ROOT, ".config", "dotnet-tools.json")):
        return [dotnet, "pwsh"], REPO_ROOT
    return None


def main(argv):
    found = find_pwsh()
    if found is None:
        if os.environ.get("CHARTLY_PWSH"):
            return fail(EXIT_PRECONDITION_FAILED, "CHARTLY_PWSH names no file; set it to the path of pwsh (PowerShell 7)")
        return fail(
            EXIT_PRECONDITION_FAILED,
            "PowerShell 7 (pwsh) was not found: put pwsh on PATH, set CHARTLY_PWSH, or run `dotnet tool restore` in the repository",
        )
    prefix, start_in = found
    command = prefix + [
        "-NoProfile",
        "-NonInteractive",
        "-WorkingDirectory",
        os.getcwd(),
        "-File",
        SCRIPT,
    ] + list(argv)

    try:
        child = subprocess.Popen(command, cwd=start_in)
    except OSError as e:
        return fail(EXIT_PRECONDITION_FAILED, "PowerShell could not be started (%s)" % type(e).__name__)

    while True:
        try:
            code = child.wait()
            break
        except KeyboardInterrupt:
            # Ctrl+C reaches the child too (same process group): let it stop, then report it.
            try:
                child.wait(timeout=10)
            except (KeyboardInterrupt, subprocess.TimeoutExpired):
                child.kill()
                child.wait()
            return 128 + signal.SIGINT
    if code < 0:
        return 128 - code  # killed by a signal, as a shell reports it
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
