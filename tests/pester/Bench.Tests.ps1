#Requires -Version 7.0
# A smoke of the benchmark harness: the figures come from ./build.ps1 Bench, never from tests;
# this only proves the harness builds and every measured code path runs.

Describe 'Benchmark harness' {
    It 'builds and runs every benchmark path once on tiny data' {
        $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
        $artifacts = Join-Path ([IO.Path]::GetTempPath()) ("chartly-bench-smoke-" + [guid]::NewGuid().ToString('N'))
        try {
            $out = & dotnet run --project (Join-Path $repo 'bench/Chartly.Profiler.Bench') -c Release --artifacts-path $artifacts -- smoke 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
            ($out | Out-String) | Should -Match 'reader bytes=\d+ spans=6000'
            ($out | Out-String) | Should -Match 'critical-path spans=6000'
            ($out | Out-String) | Should -Match 'smoke ok'
        }
        finally {
            Remove-Item -Recurse -Force -LiteralPath $artifacts -ErrorAction SilentlyContinue
        }
    }
}
