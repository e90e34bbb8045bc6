#Requires -Version 7.0
# The regression comparison through the built module ($env:CHARTLY_PROFILER_MODULE) and the
# command line (tools/profiler/profiler.ps1), each in a fresh pwsh as users and CI run them:
# Compare-ChartlyProfile in a pipeline, --compare-to and its exit codes, and the CI one-liner
# of docs/regression.md.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Cli = Join-Path $script:Repo 'tools/profiler/profiler.ps1'
    $script:Config = Join-Path $script:Repo 'samples/chartly-profiler.yaml'
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }

    # Starts pwsh (the same one as this) with the given arguments; returns exit code, stdout and stderr.
    function Invoke-Pwsh([string[]]$Arguments, [string]$WorkingDirectory = $script:Repo) {
        $process = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $psi = [System.Diagnostics.ProcessStartInfo]::new($process)
        foreach ($a in @($prefix) + @('-NoProfile', '-NonInteractive') + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $WorkingDirectory
        $psi.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
        $p = [System.Diagnostics.Process]::Start($psi)
        $stderrTask = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(180000)) { $p.Kill($true); throw "pwsh did not finish: $($Arguments -join ' ')" }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $stdout; Stderr = $stderrTask.Result }
    }

    function Invoke-Cli([string[]]$Arguments) { Invoke-Pwsh (@('-File', $script:Cli) + $Arguments) }

    # Runs a script in a fresh pwsh that has imported the module; $Config is the sample configuration.
    function Invoke-Session([string]$Script) {
        $file = Join-Path $TestDrive ("session-" + [guid]::NewGuid().ToString('N') + '.ps1')
        $prelude = "`$ErrorActionPreference = 'Stop'`nImport-Module '$($script:ModulePath.Replace("'", "''"))'`n`$Config = '$($script:Config.Replace("'", "''"))'`n"
        Set-Content -LiteralPath $file -Value ($prelude + $Script) -Encoding utf8
        Invoke-Pwsh @('-File', $file)
    }

    $script:Window = @('--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z')
    $script:Run1004 = @('--config', $script:Config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004') + $script:Window

    # A saved run-1001 profile over [10:00, 10:30) and one over the full hour, as JSON and YAML.
    $script:Saved = Join-Path ([IO.Path]::GetTempPath()) ("chartly-compare-pester-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:Saved | Out-Null
    $base = @('--config', $script:Config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1001')
    foreach ($f in @(
            @{ Name = 'run-1001.json'; Args = $base + $script:Window + @('--format', 'json') }
            @{ Name = 'run-1001.yaml'; Args = $base + $script:Window + @('--format', 'yaml') }
            @{ Name = 'half-hour.json'; Args = $base + @('--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T10:30:00Z', '--format', 'json') }
        )) {
        $r = Invoke-Cli $f.Args
        if ($r.ExitCode -ne 0) { throw "could not save $($f.Name): $($r.Stderr)" }
        [IO.File]::WriteAllText((Join-Path $script:Saved $f.Name), $r.Stdout)
    }
}

AfterAll {
    if ($script:Saved -and (Test-Path -LiteralPath $script:Saved)) { Remove-Item -LiteralPath $script:Saved -Recurse -Force }
}

Describe 'Compare-ChartlyProfile in a session' {
    It 'pipes Get-ChartlyProfile | Compare-ChartlyProfile -Baseline $b | ConvertTo-Json -Depth 10' {
        $r = Invoke-Session @'
$common = @{ Environment = 'dev'; ConfigPath = $Config; WindowStart = '2026-11-24T10:00:00Z'; WindowEnd = '2026-11-24T11:00:00Z' }
$b = Get-ChartlyProfile @common -TargetType run -TargetId run-1001
$json = Get-ChartlyProfile @common -TargetType run -TargetId run-1004 | Compare-ChartlyProfile -Baseline $b | ConvertTo-Json -Depth 10
$o = $json | ConvertFrom-Json
"$($o.Summary.Regression) $($o.Comparison.Classification) $($o.Comparison.DeltaMs) $($o.Comparison.Components[0].Component)"
'@
        $r.Stderr | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $r.Stdout.Trim() | Should -Be 'regressed regressed 3663 analytics_query_exec'
    }

    It 'compares with a saved document read back by Import-ChartlyProfile, or named by its path' {
        $r = Invoke-Session @"
`$common = @{ Environment = 'dev'; ConfigPath = `$Config; WindowStart = '2026-11-24T10:00:00Z'; WindowEnd = '2026-11-24T11:00:00Z' }
`$now = Get-ChartlyProfile @common -TargetType run -TargetId run-1004
`$a = `$now | Compare-ChartlyProfile -Baseline (Import-ChartlyProfile '$script:Saved/run-1001.yaml') | ConvertTo-ChartlyProfileDocument
`$b = `$now | Compare-ChartlyProfile -Baseline '$script:Saved/run-1001.json' | ConvertTo-ChartlyProfileDocument
`$c = Get-ChartlyProfile @common -TargetType run -TargetId run-1004 -CompareTo '$script:Saved/run-1001.json' | ConvertTo-ChartlyProfileDocument
(`$a -ceq `$b), (`$b -ceq `$c)
"@
        $r.Stderr | Should -BeNullOrEmpty
        ($r.Stdout.Trim() -split '\r?\n') | Should -Be @('True', 'True')
    }

    It 'raises InvalidData for a saved baseline of another window length' {
        $r = Invoke-Session @"
try {
    Get-ChartlyProfile -Environment dev -ConfigPath `$Config -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z |
        Compare-ChartlyProfile -Baseline '$script:Saved/half-hour.json'
}
catch { "`$(`$_.CategoryInfo.Category) `$(`$_.FullyQualifiedErrorId)" }
"@
        $r.Stdout.Trim() | Should -Be 'InvalidData BaselineWindowMismatch,Chartly.Profiler.Cmdlets.CompareChartlyProfileCommand'
    }
}

Describe 'profiler.ps1 --compare-to' {
    It 'exits 0 with the comparison and summary.regression for <spec>' -ForEach @(
        @{ spec = 'run:run-1001'; kind = 'run' }
        @{ spec = 'saved JSON'; kind = 'profile' }
        @{ spec = 'saved YAML'; kind = 'profile' }
    ) {
        $baseline = switch ($spec) { 'saved JSON' { Join-Path $script:Saved 'run-1001.json' } 'saved YAML' { Join-Path $script:Saved 'run-1001.yaml' } default { $spec } }
        $r = Invoke-Cli ($script:Run1004 + @('--compare-to', $baseline))
        $r.Stderr | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $doc = $r.Stdout | ConvertFrom-Json
        $doc.summary.regression | Should -Be 'regressed'
        $doc.comparison.baseline.kind | Should -Be $kind
        $doc.comparison.delta_ms | Should -Be 3663
        ($doc.comparison.components | Measure-Object -Property delta_ms -Sum).Sum | Should -Be 3663
        ($doc.findings | Where-Object id -EQ 'comparison.verdict').severity | Should -Be 'warning'
    }

    It 'gives the same bytes twice and prints the comparison as text' {
        $a = Invoke-Cli ($script:Run1004 + @('--compare-to', 'run:run-1001'))
        $b = Invoke-Cli ($script:Run1004 + @('--compare-to', 'run:run-1001'))
        $b.Stdout | Should -BeExactly $a.Stdout
        $t = Invoke-Cli ($script:Run1004 + @('--compare-to', 'run:run-1001', '--format', 'text'))
        $t.ExitCode | Should -Be 0
        $t.Stdout | Should -BeLike '*Comparison with run run-1001  `[2026-11-24T10:00:00Z, 2026-11-24T11:00:00Z)*'
        $t.Stdout | Should -BeLike '*Regression      regressed*'
    }

    It 'reports an inconclusive workflow comparison with exit 0' {
        $r = Invoke-Cli @('--config', $script:Config, '--env', 'dev', '--target-type', 'workflow', '--target-id', 'wf-daily-report',
            '--window-start', '2026-11-24T10:30:00Z', '--window-end', '2026-11-24T11:00:00Z', '--compare-to', 'version:1.4.0@2026-11-24T10:00:00Z')
        $r.ExitCode | Should -Be 0
        $doc = $r.Stdout | ConvertFrom-Json
        $doc.summary.regression | Should -Be 'unchanged'
        $doc.comparison.inconclusive | Should -BeTrue
        $doc.comparison.samples_needed | Should -Be 4
    }

    It 'exits <code> (<id>) for <why>' -ForEach @(
        @{ why = 'a run that does not exist'; extra = @('--compare-to', 'run:run-9999'); code = 3; id = 'BaselineTargetNotFound' }
        @{ why = 'a saved baseline that does not exist'; extra = @('--compare-to', 'no/such/baseline.json'); code = 3; id = 'ProfileDocumentNotFound' }
        @{ why = 'a saved baseline of another window length'; extra = @('--compare-to', '<half-hour>'); code = 4; id = 'BaselineWindowMismatch' }
        @{ why = 'an explicit baseline window of another length'; extra = @('--compare-to', 'run:run-1001@2026-11-24T10:00:00Z/2026-11-24T10:20:00Z'); code = 4; id = 'BaselineWindowMismatch' }
        @{ why = 'version: for a single run'; extra = @('--compare-to', 'version:1.4.0'); code = 2; id = 'BaselineNotApplicable' }
        @{ why = 'a baseline window without an offset'; extra = @('--compare-to', 'run:run-1001@2026-11-24T10:00:00'); code = 2; id = 'InvalidTimestamp' }
    ) {
        $extra = $extra | ForEach-Object { if ($_ -eq '<half-hour>') { Join-Path $script:Saved 'half-hour.json' } else { $_ } }
        $r = Invoke-Cli ($script:Run1004 + $extra)
        $r.ExitCode | Should -Be $code
        $r.Stdout | Should -BeNullOrEmpty
        $r.Stderr | Should -BeLike ('profiler: *' + [WildcardPattern]::Escape("[$id]") + '*')
        $r.Stderr | Should -Not -BeLike '* at *.cs*'
    }

    It 'names both windows when they differ' {
        $r = Invoke-Cli ($script:Run1004 + @('--compare-to', (Join-Path $script:Saved 'half-hour.json')))
        $r.Stderr | Should -BeLike '*[[]2026-11-24T10:00:00Z, 2026-11-24T11:00:00Z) lasts 1 h*'
        $r.Stderr | Should -BeLike '*[[]2026-11-24T10:00:00Z, 2026-11-24T10:30:00Z) lasts 30 min*'
    }
}

Describe 'the CI one-liner of docs/regression.md' {
    It 'fails the build (exit 1) on a regression and passes otherwise' -ForEach @(
        @{ target = 'run-1004'; expected = 1 }
        @{ target = 'run-1002'; expected = 0 }
    ) {
        $out = Join-Path $TestDrive "ci-$target"
        New-Item -ItemType Directory -Path $out -Force | Out-Null
        $script = @"
`$env:CHARTLY_PROFILER_MODULE = '$($script:ModulePath.Replace("'", "''"))'
`$p = Get-ChartlyProfile -ConfigPath '$($script:Config.Replace("'", "''"))' -Environment dev -TargetType run -TargetId $target -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -CompareTo run:run-1001 -ErrorAction Stop; `$p | ConvertTo-ChartlyProfileDocument | Set-Content -NoNewline profile.json; if (`$p.Summary.Regression -eq 'regressed') { exit 1 }
"@
        $file = Join-Path $out 'ci.ps1'
        Set-Content -LiteralPath $file -Value ("Import-Module '$($script:ModulePath.Replace("'", "''"))'`n" + $script) -Encoding utf8
        $r = Invoke-Pwsh @('-File', $file) -WorkingDirectory $out
        $r.ExitCode | Should -Be $expected
        (Get-Content -Raw (Join-Path $out 'profile.json') | ConvertFrom-Json).comparison.baseline.target.id | Should -Be 'run-1001'
    }

    It 'the bash form: profiler.ps1, then a check of summary.regression' {
        $out = Join-Path $TestDrive 'ci-bash'
        New-Item -ItemType Directory -Path $out -Force | Out-Null
        $r = Invoke-Cli ($script:Run1004 + @('--compare-to', 'run:run-1001'))
        $r.ExitCode | Should -Be 0
        [IO.File]::WriteAllText((Join-Path $out 'profile.json'), $r.Stdout)
        $check = Invoke-Pwsh @('-Command', 'if ((Get-Content -Raw profile.json | ConvertFrom-Json).summary.regression -eq "regressed") { exit 1 }') -WorkingDirectory $out
        $check.ExitCode | Should -Be 1
    }
}
