#Requires -Version 7.0
<#
.SYNOPSIS
    The performance figures of docs/performance.md, measured on this machine.
.DESCRIPTION
    Generates deterministic OTLP windows with tools/TelemetryGen (kept in .bench/, reused when
    present), then measures:
      - whole-process profiles of one run out of each window (/usr/bin/time -v: wall time and
        peak RSS above an idle pwsh that imported the module), median of -Repeat runs;
      - the reader's single-core throughput from the page cache (bench app `reader`);
      - a single trace of 1,000,000 spans: tree + critical path (bench app `critical-path`);
      - a service target over a window of about 100,000 roots;
      - Import-Module plus a first profile of the demo sample, above pwsh's own start;
      - the demo profile as a whole process: chartly-tool (installed from -ToolPackageDir with
        dotnet tool install --tool-path into .bench/tool) beside tools/profiler/profiler.ps1.
    Prints each figure beside its target and writes out/bench/results.md. Not part of the tests.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    # Comma-separated: pwsh -File would read '10,100' as the number 10100.
    [string]$SizesMb = '10,100,1024,2048',
    [int]$Repeat = 3,
    # The generated windows hold about 220 service roots per MB: 512 MB is about 110,000 roots.
    [int]$ServiceWindowMb = 512,
    # The folder build.ps1 Build/Tool packs chartly-tool into.
    [string]$ToolPackageDir = (Join-Path $PSScriptRoot '../../out/tool')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
# A relative -ModulePath (as docs/performance.md writes it) would be read as a module name.
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$sizes = @($SizesMb.Split(',') | ForEach-Object { [int]$_.Trim() })
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$work = Join-Path $repo '.bench'
$artifacts = Join-Path $work 'artifacts'
New-Item -ItemType Directory -Force -Path $work, (Join-Path $repo 'out/bench') | Out-Null
$pwshCmd = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwshCmd[0]) -eq 'dotnet') { $pwshCmd += (Join-Path $PSHOME 'pwsh.dll') }

function Invoke-Checked([string]$File, [string[]]$Arguments) {
    $out = & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed ($LASTEXITCODE)" }
    $out
}

Write-Host '==> building TelemetryGen and the bench app'
Invoke-Checked dotnet @('build', (Join-Path $repo 'tools/TelemetryGen'), '-c', 'Release', '-v', 'q', '-nologo', '--artifacts-path', $artifacts) | Out-Null
Invoke-Checked dotnet @('build', (Join-Path $repo 'bench/Chartly.Profiler.Bench'), '-c', 'Release', '-v', 'q', '-nologo', '--artifacts-path', $artifacts) | Out-Null
$gen = Join-Path $artifacts 'bin/TelemetryGen/release/TelemetryGen'
$benchApp = Join-Path $artifacts 'bin/Chartly.Profiler.Bench/release/Chartly.Profiler.Bench'

# Runs a command under /usr/bin/time -v; returns wall seconds, peak RSS (MB) and its stdout.
function Measure-Process([string[]]$Command) {
    $tmp = [IO.Path]::GetTempFileName()
    try {
        $stdout = & /usr/bin/time -v -o $tmp @Command
        if ($LASTEXITCODE -ne 0) { throw "$($Command -join ' ') failed ($LASTEXITCODE)" }
        $t = Get-Content -LiteralPath $tmp
        $wall = ($t | Where-Object { $_ -match 'Elapsed \(wall clock\)' }) -replace '.*: ', ''
        $parts = $wall.Split(':')
        $seconds = [double]::Parse($parts[-1], [cultureinfo]::InvariantCulture) + 60 * [int]$parts[-2]
        $rss = [double](($t | Where-Object { $_ -match 'Maximum resident set size' }) -replace '\D', '') / 1024
        # CPU seconds (user + system): steadier than wall time on a shared machine.
        $cpu = 0.0
        foreach ($line in $t | Where-Object { $_ -match '(User|System) time \(seconds\)' }) { $cpu += [double]::Parse(($line -replace '.*: ', ''), [cultureinfo]::InvariantCulture) }
        [pscustomobject]@{ Seconds = $seconds; RssMb = $rss; Cpu = $cpu; Stdout = ($stdout -join "`n") }
    }
    finally { Remove-Item -LiteralPath $tmp -ErrorAction SilentlyContinue }
}

function Get-Median([double[]]$Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { return $s[[int][math]::Floor($s.Count / 2)] }
    return ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}

function Get-Window([int]$Mb) {
    $dir = Join-Path $work "w$Mb"
    $summaryFile = Join-Path $work "w$Mb.summary.json"
    if (-not (Test-Path -LiteralPath $summaryFile)) {
        Write-Host "==> generating a $Mb MB window"
        if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
        $json = Invoke-Checked $gen @('bench', '--out', $dir, '--size-mb', "$Mb", '--files', '4')
        Set-Content -LiteralPath $summaryFile -Value ($json -join "`n")
        Set-Content -LiteralPath (Join-Path $work "w$Mb.yaml") -Value "environments:`n  prod:`n    access:`n      principals: ['*']`n    sources:`n      - type: otlp-file`n        path: w$Mb`n"
    }
    Get-Content -LiteralPath $summaryFile -Raw | ConvertFrom-Json -DateKind String
}

$rows = [System.Collections.Generic.List[object]]::new()
function Add-Row([string]$Figure, [string]$Target, [string]$Measured, [object]$Met) {
    # $Met $null: a reference figure beside another, with no target of its own.
    $verdict = if ($null -eq $Met) { '-' } elseif ($Met) { 'met' } else { 'MISSED' }
    $rows.Add([pscustomobject]@{ Figure = $Figure; Target = $Target; Measured = $Measured; Verdict = $verdict })
}

$inv = [cultureinfo]::InvariantCulture
Write-Host '==> idle pwsh with the module imported'
$idle = @(1..$Repeat | ForEach-Object { Measure-Process ($pwshCmd + @('-NoProfile', '-Command', "Import-Module '$ModulePath'; exit 0")) })
$idleRss = Get-Median ($idle.RssMb)
$bare = Get-Median (@(1..$Repeat | ForEach-Object { (Measure-Process ($pwshCmd + @('-NoProfile', '-Command', 'exit 0'))).Seconds }))

$scaling = [System.Collections.Generic.List[object]]::new()
foreach ($mb in $sizes) {
    $w = Get-Window $mb
    $config = Join-Path $work "w$mb.yaml"
    Write-Host "==> profiling one run out of the $mb MB window"
    $runs = @(1..$Repeat | ForEach-Object {
            Measure-Process ($pwshCmd + @('-NoProfile', '-File', (Join-Path $PSScriptRoot 'Profile-Once.ps1'), '-Module', $ModulePath, '-Config', $config,
                    '-Environment', 'prod', '-TargetType', 'run', '-TargetId', 'bench-run-target', '-WindowStart', $w.window_start, '-WindowEnd', $w.window_end))
        })
    $wall = Get-Median ($runs.Seconds)
    $rss = Get-Median ($runs.RssMb)
    $inProc = Get-Median (@($runs | ForEach-Object { [double]($_.Stdout.Split(' ')[0]) / 1000 }))
    $scaling.Add([pscustomobject]@{ Mb = $mb; Bytes = [long]$w.bytes; Spans = [long]$w.spans; Wall = $wall; InProcess = $inProc; RssAboveIdle = $rss - $idleRss; MbPerS = $w.bytes / 1e6 / $inProc })
    if ($mb -ge 2048) {
        Add-Row "memory, one run out of a $mb MB window" '< 300 MB above an idle pwsh' ('{0:0} MB' -f ($rss - $idleRss)) (($rss - $idleRss) -lt 300)
    }
}

Write-Host '==> reader, one core, page cache'
$largest = ($sizes | Measure-Object -Maximum).Maximum
$readerLine = Invoke-Checked $benchApp @('reader', (Join-Path $work "w$largest"), '--repeat', "$Repeat")
$readerMbs = [double]::Parse(($readerLine -replace '.*mb_per_s=', ''), $inv)
Add-Row 'OTLP/JSON read throughput, one core' '>= 250 MB/s' ('{0:0} MB/s' -f $readerMbs) ($readerMbs -ge 250)

Write-Host '==> a single trace of 1,000,000 spans'
$huge = Join-Path $work 'huge-1m.json'
if (-not (Test-Path -LiteralPath $huge)) { Invoke-Checked $gen @('bench-trace', '--out', $huge, '--spans', '1000000') | Out-Null }
$cp = Measure-Process @($benchApp, 'critical-path', $huge, '--repeat', "$Repeat")
$cpSeconds = [double]::Parse((($cp.Stdout -split ' ' | Where-Object { $_ -like 'median_s=*' }) -replace 'median_s=', ''), $inv)
Add-Row 'critical path of 1,000,000 spans (tree + walk)' '< 2 s' ('{0:0.00} s' -f $cpSeconds) ($cpSeconds -lt 2)
Add-Row 'critical path of 1,000,000 spans, process peak (read + analyse)' '< 1 GB' ('{0:0} MB' -f $cp.RssMb) ($cp.RssMb -lt 1024)

Write-Host "==> a service target over the $ServiceWindowMb MB window"
$w = Get-Window $ServiceWindowMb
$svc = Measure-Process ($pwshCmd + @('-NoProfile', '-File', (Join-Path $PSScriptRoot 'Profile-Once.ps1'), '-Module', $ModulePath, '-Config', (Join-Path $work "w$ServiceWindowMb.yaml"),
        '-Environment', 'prod', '-TargetType', 'service', '-TargetId', 'bench/chartly-bench-api', '-WindowStart', $w.window_start, '-WindowEnd', $w.window_end))
$svcParts = $svc.Stdout.Split(' ')
Add-Row ("service target, {0:n0} roots (in-process)" -f [long]$svcParts[1]) '< 5 s for 100,000 roots' ('{0:0.00} s' -f ([double]$svcParts[0] / 1000)) (([double]$svcParts[0] / 1000) -lt 5)

Write-Host '==> Import-Module plus a first profile of the demo sample'
# Timed inside the fresh process, from the script's first line to the profile in hand: that is
# exactly the cost above pwsh's own start, without the noise of subtracting two process timings.
$demo = @(1..$Repeat | ForEach-Object {
        $r = Measure-Process ($pwshCmd + @('-NoProfile', '-File', (Join-Path $PSScriptRoot 'Profile-Once.ps1'), '-Module', $ModulePath, '-Config', (Join-Path $repo 'samples/chartly-profiler.yaml'),
                '-Environment', 'dev', '-TargetType', 'run', '-TargetId', 'run-1004', '-WindowStart', '2026-11-24T10:00:00Z', '-WindowEnd', '2026-11-24T11:00:00Z'))
        [double]($r.Stdout.Split(' ')[0]) / 1000
    })
$demoAbove = Get-Median $demo
Add-Row 'Import-Module + first profile of the demo, above pwsh start' '< 1 s' ('{0:0.00} s' -f $demoAbove) ($demoAbove -lt 1)

Write-Host '==> the demo profile as a whole process: chartly-tool beside profiler.ps1'
# Installed as a user installs it, from the built folder only, with a NuGet cache of its own (so
# never a stale copy of the same version); the first run is discarded (page cache).
$toolDir = Join-Path $work 'tool'
if (Test-Path -LiteralPath $toolDir) { Remove-Item -Recurse -Force -LiteralPath $toolDir }
New-Item -ItemType Directory -Force -Path $toolDir | Out-Null
$toolConfig = Join-Path $toolDir 'nuget.config'
Set-Content -LiteralPath $toolConfig -Value "<configuration><packageSources><clear /><add key=`"build`" value=`"$([Security.SecurityElement]::Escape((Resolve-Path $ToolPackageDir).ProviderPath))`" /></packageSources></configuration>"
$savedPackages = $env:NUGET_PACKAGES
try {
    $env:NUGET_PACKAGES = Join-Path $toolDir 'nuget-packages'
    Invoke-Checked dotnet @('tool', 'install', 'Chartly.Tool', '--tool-path', (Join-Path $toolDir 'bin'), '--configfile', $toolConfig) | Out-Null
}
finally { $env:NUGET_PACKAGES = $savedPackages }
$demoArgs = @('--config', (Join-Path $repo 'samples/chartly-profiler.yaml'), '--env', 'dev', '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z', '--format', 'text')
$toolCmd = @((Join-Path $toolDir 'bin/chartly-tool'), 'profiler', 'run:run-1004') + $demoArgs
$ps1Cmd = $pwshCmd + @('-NoProfile', '-File', (Join-Path $repo 'tools/profiler/profiler.ps1'), '--target-type', 'run', '--target-id', 'run-1004') + $demoArgs
$savedModule = $env:CHARTLY_PROFILER_MODULE
try {
    $env:CHARTLY_PROFILER_MODULE = $ModulePath
    $toolRepeat = [math]::Max($Repeat, 5)
    $null = Measure-Process $toolCmd
    $toolRuns = @(1..$toolRepeat | ForEach-Object { Measure-Process $toolCmd })
    $ps1Runs = @(1..$Repeat | ForEach-Object { Measure-Process $ps1Cmd })
}
finally { $env:CHARTLY_PROFILER_MODULE = $savedModule }
if ($toolRuns[0].Stdout -cne $ps1Runs[0].Stdout) { throw 'chartly-tool and profiler.ps1 printed different demo profiles' }
$toolWall = Get-Median ($toolRuns.Seconds)
Add-Row "chartly-tool, demo profile, whole process (median of $toolRepeat)" '< 0.5 s' ('{0:0.00} s ({1:0.00} s CPU), {2:0} MB peak RSS' -f $toolWall, (Get-Median ($toolRuns.Cpu)), (Get-Median ($toolRuns.RssMb))) ($toolWall -lt 0.5)
Add-Row 'profiler.ps1, demo profile, whole process' 'reference' ('{0:0.00} s ({1:0.00} s CPU), {2:0} MB peak RSS' -f (Get-Median ($ps1Runs.Seconds)), (Get-Median ($ps1Runs.Cpu)), (Get-Median ($ps1Runs.RssMb))) $null
if ($sizes -contains 10) {
    $w = Get-Window 10
    $w10 = @((Join-Path $toolDir 'bin/chartly-tool'), 'profiler', 'run:bench-run-target', '--config', (Join-Path $work 'w10.yaml'), '--env', 'prod', '--window-start', $w.window_start, '--window-end', $w.window_end)
    $null = Measure-Process $w10
    $w10Wall = Get-Median (@(1..$toolRepeat | ForEach-Object { (Measure-Process $w10).Seconds }))
    Add-Row 'chartly-tool, one run out of the 10 MB window, whole process' 'reference' ('{0:0.00} s' -f $w10Wall) $null
}

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add("Machine: $([Environment]::ProcessorCount) cores, $([math]::Round([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') / 1MB)) GiB; medians of $Repeat runs; idle pwsh + module: $('{0:0}' -f $idleRss) MB RSS, pwsh start $('{0:0.00}' -f $bare) s.")
$lines.Add('')
$lines.Add('| figure | target | measured | verdict |')
$lines.Add('|---|---|---|---|')
foreach ($r in $rows) { $lines.Add("| $($r.Figure) | $($r.Target) | $($r.Measured) | $($r.Verdict) |") }
$lines.Add('')
$lines.Add('| window | spans | whole process | in-process (import + profile) | throughput in-process | peak RSS above idle pwsh |')
$lines.Add('|---|---|---|---|---|---|')
foreach ($s in $scaling) {
    $lines.Add(('| {0} MB | {1:n0} | {2:0.00} s | {3:0.00} s | {4:0} MB/s | {5:0} MB |' -f $s.Mb, $s.Spans, $s.Wall, $s.InProcess, $s.MbPerS, $s.RssAboveIdle))
}
$text = $lines -join "`n"
Set-Content -LiteralPath (Join-Path $repo 'out/bench/results.md') -Value $text
Write-Host ''
Write-Host $text
