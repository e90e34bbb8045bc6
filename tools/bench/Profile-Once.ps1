# One profile in a fresh process, for whole-process timings (tools/bench/Invoke-Bench.ps1).
# Prints one line: in-process milliseconds (import + profile), roots, spans read.
param(
    [Parameter(Mandatory)][string]$Module,
    [Parameter(Mandatory)][string]$Config,
    [Parameter(Mandatory)][string]$Environment,
    [Parameter(Mandatory)][string]$TargetType,
    [Parameter(Mandatory)][string]$TargetId,
    [Parameter(Mandatory)][string]$WindowStart,
    [Parameter(Mandatory)][string]$WindowEnd
)
$ErrorActionPreference = 'Stop'
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $Module
$p = Get-ChartlyProfile -Environment $Environment -TargetType $TargetType -TargetId $TargetId -WindowStart $WindowStart -WindowEnd $WindowEnd -ConfigPath $Config
'{0} {1} {2}' -f $sw.ElapsedMilliseconds, $p.Summary.Roots.Count, $p.DataQuality.SpansRead
