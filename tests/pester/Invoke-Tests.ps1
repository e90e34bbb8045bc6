#Requires -Version 7.0
<#
.SYNOPSIS
    Runs tests/pester/*.Tests.ps1 against the built module; meant to run in a child pwsh
    started by build.ps1 (so the build process never loads, or locks, the module's DLLs).

.DESCRIPTION
    The module under test is $env:CHARTLY_PROFILER_MODULE (out/ChartlyProfiler), or
    -ModulePath. Writes {passed, failed, skipped, notRun, total, result} as JSON to
    -ResultPath and, with -NUnitPath, Pester's NUnit XML report. Exits 1 when anything
    failed (tests, blocks or whole files), 0 otherwise.

.EXAMPLE
    $env:CHARTLY_PROFILER_MODULE = "$PWD/out/ChartlyProfiler"
    pwsh -NoProfile -File tests/pester/Invoke-Tests.ps1 -PesterPath ~/.nuget/packages/pester/6.2.0/tools/Pester.psd1 -ResultPath out/pester.json
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$PesterPath,

    [Parameter(Mandatory)]
    [string]$ResultPath,

    [string]$NUnitPath,

    [string]$ModulePath = $env:CHARTLY_PROFILER_MODULE,

    [string]$TestPath = $PSScriptRoot,

    # No ANSI colour codes in the output (CI logs, files).
    [switch]$Plain
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

if (-not $ModulePath) {
    throw 'Set CHARTLY_PROFILER_MODULE (or pass -ModulePath) to the built module folder, out/ChartlyProfiler.'
}
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'ChartlyProfiler.psd1'))) {
    throw "No ChartlyProfiler.psd1 in '$ModulePath': run ./build.ps1 Build first."
}
$env:CHARTLY_PROFILER_MODULE = (Resolve-Path -LiteralPath $ModulePath).ProviderPath

Import-Module -Name $PesterPath -Force

$files = @(Get-ChildItem -LiteralPath $TestPath -Filter '*.Tests.ps1' -File | Sort-Object Name)
if ($files.Count -eq 0) {
    throw "No *.Tests.ps1 under '$TestPath'."
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = [string[]]$files.FullName
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Detailed'
if ($Plain) {
    $configuration.Output.RenderMode = 'Plaintext'
}
if ($NUnitPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = $NUnitPath
}

$result = Invoke-Pester -Configuration $configuration

# A failing BeforeAll/AfterAll (a block) or a file that does not even parse (a container)
# is a failure too, even though no It reports it.
$failed = [int]$result.FailedCount + [int]$result.FailedBlocksCount + [int]$result.FailedContainersCount
$summary = [ordered]@{
    passed  = [int]$result.PassedCount
    failed  = $failed
    skipped = [int]$result.SkippedCount
    notRun  = [int]$result.NotRunCount
    total   = [int]$result.TotalCount
    result  = [string]$result.Result
}
$directory = Split-Path -Parent $ResultPath
if ($directory -and -not (Test-Path -LiteralPath $directory)) {
    $null = New-Item -ItemType Directory -Path $directory -Force
}
$summary | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8

if ($failed -gt 0 -or $result.Result -ne 'Passed') {
    exit 1
}
exit 0
