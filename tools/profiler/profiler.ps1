<#
.SYNOPSIS
    Chartly Profiler: the contract's command line. Profiles one explicit target over an explicit
    window from existing telemetry and writes the profile document to stdout.

.DESCRIPTION
    profiler.ps1 --env <dev|staging|prod> --target-type <service|workflow|run|operation|connector>
        --target-id <id> --window-start <RFC3339> --window-end <RFC3339> [--format json|yaml|text]
        [--dry-run] [--compare-to <baseline>] [--precision ms|s] [--include-metrics <a,b>]
        [--config <path>] [--help]

    Reads existing telemetry only. The window is [start, end), both RFC 3339 with an explicit
    offset. The flags are the contract's (docs/cli.md), so there is no param() block: PowerShell
    would bind --flag to -flag and reject unknown names with its own message and exit code. Every
    token arrives verbatim in $args and is parsed here. The work is done by the ChartlyProfiler
    module (out/ChartlyProfiler after ./build.ps1 Build, or an installed one).

    Exit codes (decided once, in Chartly.Profiler.ExitCodes): 0 success, 2 invalid arguments,
    3 precondition failed, 4 validation failed, 5 access denied. Errors are one line on stderr:
    'profiler: <message> [<ErrorId>]'.

.EXAMPLE
    dotnet pwsh -NoProfile -File tools/profiler/profiler.ps1 --config samples/chartly-profiler.yaml --env dev --target-type run --target-id run-1004 --window-start 2026-11-24T10:00:00Z --window-end 2026-11-24T11:00:00Z --format text

    The text report of run run-1004 from the sample telemetry.

.LINK
    docs/cli.md
#>

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$usage = @'
Usage: profiler.ps1 --env <dev|staging|prod> --target-type <service|workflow|run|operation|connector>
                    --target-id <id> --window-start <RFC3339> --window-end <RFC3339>
                    [--format json|yaml|text] [--dry-run] [--compare-to <baseline>]
                    [--precision ms|s] [--include-metrics <name,...>] [--config <path>] [--help]

Reads existing telemetry only. The window is [start, end), both RFC 3339 with an explicit offset.
Exit codes: 0 success, 2 invalid arguments, 3 precondition failed, 4 validation failed, 5 access denied.
'@

function Stop-Profiler([int] $Code, [string] $Message) {
    [Console]::Error.WriteLine("profiler: $Message")
    exit $Code
}

$valueFlags = @('env', 'target-type', 'target-id', 'window-start', 'window-end', 'format', 'compare-to', 'precision', 'include-metrics', 'config')
$switchFlags = @('dry-run', 'help')
$opts = @{}
$i = 0
while ($i -lt $args.Count) {
    $token = [string]$args[$i]
    if (-not $token.StartsWith('--', [StringComparison]::Ordinal) -or $token.Length -le 2) {
        Stop-Profiler 2 "unexpected argument '$token'; flags start with -- (see --help)"
    }
    $name = $token.Substring(2)
    $value = $null
    $eq = $name.IndexOf('=')
    if ($eq -ge 0) {
        $value = $name.Substring($eq + 1)
        $name = $name.Substring(0, $eq)
        # pwsh -File splits a dashed token at its first ':' ('--window-start=...T10:00:00Z' arrives
        # as '--window-start=...T10' and '00:00Z'); positional arguments never exist, so glue it back.
        if ($i + 1 -lt $args.Count -and -not ([string]$args[$i + 1]).StartsWith('--', [StringComparison]::Ordinal)) {
            $i++
            $value = $value + ':' + [string]$args[$i]
        }
    }
    if ($opts.ContainsKey($name)) {
        Stop-Profiler 2 "--$name was given more than once"
    }
    if ($switchFlags -ccontains $name) {
        if ($null -ne $value) { Stop-Profiler 2 "--$name takes no value" }
        $opts[$name] = $true
    }
    elseif ($valueFlags -ccontains $name) {
        if ($null -eq $value) {
            $i++
            if ($i -ge $args.Count) { Stop-Profiler 2 "--$name needs a value" }
            $value = [string]$args[$i]
            if ($value.StartsWith('--', [StringComparison]::Ordinal)) { Stop-Profiler 2 "--$name needs a value" }
        }
        $opts[$name] = $value
    }
    else {
        Stop-Profiler 2 "unknown flag '--$name' (see --help)"
    }
    $i++
}

if ($opts.ContainsKey('help')) {
    [Console]::Out.Write($usage + "`n")
    exit 0
}

# An empty value is a usage error here (exit 2), not a PowerShell binding error later (exit 4).
# target-id and the window have their own rule below: missing is a precondition (exit 3).
foreach ($name in @('env', 'target-type', 'format', 'compare-to', 'precision', 'include-metrics', 'config')) {
    if ($opts.ContainsKey($name) -and [string]::IsNullOrWhiteSpace($opts[$name])) { Stop-Profiler 2 "--$name needs a value; it was empty" }
}

# Arguments the command line must have; the cmdlets validate their values.
if (-not $opts.ContainsKey('env')) { Stop-Profiler 2 '--env is required (dev, staging or prod)' }
if (-not $opts.ContainsKey('target-type')) { Stop-Profiler 2 '--target-type is required (service, workflow, run, operation or connector)' }
if (-not $opts.ContainsKey('target-id') -or [string]::IsNullOrWhiteSpace($opts['target-id'])) { Stop-Profiler 3 '--target-id is required: targets are explicit, there is no auto-discovery' }
if (-not $opts.ContainsKey('window-start') -or [string]::IsNullOrWhiteSpace($opts['window-start'])) { Stop-Profiler 3 '--window-start is required (RFC 3339 with an offset); there is no default window' }
if (-not $opts.ContainsKey('window-end') -or [string]::IsNullOrWhiteSpace($opts['window-end'])) { Stop-Profiler 3 '--window-end is required (RFC 3339 with an offset); there is no default window' }

$format = if ($opts.ContainsKey('format')) { $opts['format'] } else { 'json' }
if (@('json', 'yaml', 'text') -cnotcontains $format) {
    Stop-Profiler 2 "unknown format '$format' (valid: json, yaml, text)"
}

# The module next to this repository's build output, or an installed one.
$modulePath = $env:CHARTLY_PROFILER_MODULE
if (-not $modulePath) {
    $built = Join-Path $PSScriptRoot '../../out/ChartlyProfiler/ChartlyProfiler.psd1'
    $modulePath = if (Test-Path -LiteralPath $built) { $built } else { 'ChartlyProfiler' }
}
try {
    Import-Module $modulePath -ErrorAction Stop
}
catch {
    Stop-Profiler 3 "the ChartlyProfiler module could not be loaded from '$modulePath' (run ./build.ps1 Build)"
}

$common = @{
    Environment = $opts['env']
    TargetType  = $opts['target-type']
    TargetId    = $opts['target-id']
    WindowStart = $opts['window-start']
    WindowEnd   = $opts['window-end']
    ErrorAction = 'Stop'
}
if ($opts.ContainsKey('precision')) { $common.Precision = $opts['precision'] }
if ($opts.ContainsKey('config')) { $common.ConfigPath = $opts['config'] }
if ($opts.ContainsKey('include-metrics')) { $common.IncludeMetric = @($opts['include-metrics'] -split ',') }

try {
    if ($opts.ContainsKey('dry-run')) {
        $plan = Get-ChartlyProfilePlan @common
        $text = [Chartly.Profiler.Output.PlanDocument]::Write($plan, [Chartly.Profiler.Output.DocumentFormats]::Parse($format))
    }
    else {
        if ($opts.ContainsKey('compare-to')) { $common.CompareTo = $opts['compare-to'] }
        $result = Get-ChartlyProfile @common
        $text = $result | ConvertTo-ChartlyProfileDocument -Format $format
    }
}
catch {
    $record = $_
    $id = ($record.FullyQualifiedErrorId -split ',')[0]
    # The message is the engine's own: written for users, free of payloads, tokens and traces.
    # The exit code is the engine's (Chartly.Profiler.ExitCodes), read off the record's exception.
    $message = $record.Exception.Message
    if ($id -eq 'ConfigNotFound') {
        # The cmdlets name their parameter (-ConfigPath); a command line names its flag, as chartly-tool does.
        try {
            $null = [Chartly.Profiler.Configuration.ConfigLoader]::Locate($opts['config'], (Get-Location).ProviderPath, [Func[string, string]] { param($n) [Environment]::GetEnvironmentVariable($n) }, '--config')
        }
        catch [System.Management.Automation.MethodInvocationException] {
            if ($_.Exception.InnerException -is [Chartly.Profiler.ProfilerException]) { $message = $_.Exception.InnerException.Message }
        }
    }

    Stop-Profiler ([Chartly.Profiler.Cmdlets.ErrorExitCode]::Of($record)) "$message [$id]"
}

$utf8 = [System.Text.UTF8Encoding]::new($false)
$stdout = [System.IO.StreamWriter]::new([Console]::OpenStandardOutput(), $utf8)
$stdout.NewLine = "`n"
$stdout.Write($text)
$stdout.Flush()
exit 0
