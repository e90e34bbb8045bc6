#Requires -Version 7.0
# The file source's dependencies (Google.Protobuf, ZstdSharp) as the built module ships them:
# loaded from Dependencies/ into the module's private load context, never into the default one,
# when a profile reads the collector's zstd-compressed protobuf (bytes of the OpenTelemetry JS
# SDK's serializer and the zstd program: tests/fixtures/otel-js).

Describe 'File layout dependencies of the built module' {
    It 'profile zstd-compressed protobuf with Google.Protobuf and ZstdSharp from Dependencies/' {
        $module = $env:CHARTLY_PROFILER_MODULE
        $fixtures = Join-Path $PSScriptRoot '../fixtures/otel-js'
        $telemetry = Join-Path $TestDrive 'telemetry'
        New-Item -ItemType Directory -Path $telemetry -Force | Out-Null
        Copy-Item (Join-Path $fixtures 'traces-zstd.pb') $telemetry
        Copy-Item (Join-Path $fixtures 'metrics-zstd.pb') $telemetry
        $config = Join-Path $TestDrive 'chartly-profiler.yaml'
        Set-Content -LiteralPath $config -Value "environments:`n  dev:`n    sources:`n      - type: otlp-file`n        path: telemetry`n"
        $script = Join-Path $TestDrive 'child.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Module, $Config)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$p = Get-ChartlyProfile -Environment dev -TargetType run -TargetId run-js-1 -WindowStart 2026-11-24T09:00:00Z -WindowEnd 2026-11-24T09:01:00Z -ConfigPath $Config
"total=$($p.Summary.TotalDurationMs) malformed=$($p.DataQuality.MalformedRecords) unsupported=$($p.DataQuality.UnsupportedFiles)"
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies()) {
    if ($a.GetName().Name -in 'Google.Protobuf', 'ZstdSharp') {
        "$($a.GetName().Name)=$([IO.Path]::GetFileName([IO.Path]::GetDirectoryName($a.Location)))|$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name)"
    }
}
"default-has-them=$(@([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -in 'Google.Protobuf', 'ZstdSharp' }).Count -gt 0)"
'@
        $process = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $out = & $process @prefix -NoProfile -NonInteractive -File $script $module $config 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain 'total=1000 malformed=0 unsupported=0'
        $out | Should -Contain 'Google.Protobuf=Dependencies|ChartlyProfiler'
        $out | Should -Contain 'ZstdSharp=Dependencies|ChartlyProfiler'
        $out | Should -Contain 'default-has-them=False'
    }
}
