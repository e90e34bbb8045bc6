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

    It 'has a harness script that parses (build.ps1 Bench runs it; the tests never do)' {
        $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $repo 'tools/bench/Invoke-Bench.ps1'), [ref]$null, [ref]$errors)
        @($errors).Count | Should -Be 0 -Because (@($errors) -join '; ')
    }

    # The peer itself (DuckDB from npm) stays out of the test run: this needs node only, no network.
    It 'has a peer script that node accepts and that names a missing argument' -Skip:(-not (Get-Command node -CommandType Application -ErrorAction SilentlyContinue)) {
        $script = Join-Path (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath 'tools/bench/peer-duckdb.mjs'
        & node --check $script 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        $out = & node $script --window . 2>&1
        $LASTEXITCODE | Should -Be 2
        ($out | Out-String) | Should -Match 'peer-duckdb: --duckdb is required'
    }
}
