#Requires -Version 7.0
# The contract's interim command line, tools/profiler/profiler.ps1, run as users and CI run it:
# a fresh pwsh process, flags in $args, the profile on stdout, diagnostics on stderr, and the
# contract's exit codes.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Cli = Join-Path $script:Repo 'tools/profiler/profiler.ps1'
    $script:Config = Join-Path $script:Repo 'samples/chartly-profiler.yaml'

    # Runs profiler.ps1 in a child pwsh with the given arguments and extra environment variables.
    function Invoke-Cli([string[]]$Arguments, [hashtable]$Environment = @{}) {
        $process = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $psi = [System.Diagnostics.ProcessStartInfo]::new($process)
        foreach ($a in @($prefix) + @('-NoProfile', '-NonInteractive', '-File', $script:Cli) + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $p = [System.Diagnostics.Process]::Start($psi)
        $stderrTask = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw "profiler.ps1 did not finish: $($Arguments -join ' ')" }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $stdout; Stderr = $stderrTask.Result }
    }

    $script:Run1004 = @('--config', $script:Config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004',
        '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z')

    function New-Config([string]$Dir, [string]$Text) {
        New-Item -ItemType Directory -Force -Path $Dir | Out-Null
        $path = Join-Path $Dir 'chartly-profiler.yaml'
        Set-Content -LiteralPath $path -Value $Text -NoNewline
        $path
    }
}

Describe 'profiler.ps1 success (exit 0)' {
    It 'prints the JSON profile by default' {
        $r = Invoke-Cli $script:Run1004
        $r.ExitCode | Should -Be 0
        $r.Stderr | Should -BeNullOrEmpty
        $doc = $r.Stdout | ConvertFrom-Json
        $doc.summary.total_duration_ms | Should -Be 7507
        $doc.header.target.id | Should -Be 'run-1004'
        $doc.breakdown[0].component | Should -Be 'analytics_query_exec'
    }

    It 'prints <format>' -ForEach @(
        @{ format = 'yaml'; expect = 'total_duration_ms: 7507' }
        @{ format = 'text'; expect = 'Total duration  7,507 ms' }
        @{ format = 'json'; expect = '"total_duration_ms": 7507' }
    ) {
        $r = Invoke-Cli ($script:Run1004 + @('--format', $format))
        $r.ExitCode | Should -Be 0
        $r.Stdout | Should -BeLike "*$expect*"
    }

    It 'takes --flag=value as well as --flag value' {
        $a = Invoke-Cli $script:Run1004
        $b = Invoke-Cli @("--config=$($script:Config)", '--env=dev', '--target-type=run', '--target-id=run-1004', '--window-start=2026-11-24T10:00:00Z', '--window-end=2026-11-24T11:00:00Z', '--format=json')
        $b.ExitCode | Should -Be 0
        $b.Stdout | Should -BeExactly $a.Stdout
    }

    It 'rounds to seconds with --precision s and keeps the keys' {
        $r = Invoke-Cli ($script:Run1004 + @('--precision', 's'))
        $r.ExitCode | Should -Be 0
        $doc = $r.Stdout | ConvertFrom-Json
        $doc.summary.total_duration_ms | Should -Be 8000
        $doc.header.precision | Should -Be 's'
    }

    It 'prints usage with --help' {
        $r = Invoke-Cli @('--help')
        $r.ExitCode | Should -Be 0
        $r.Stdout | Should -BeLike 'Usage: profiler.ps1*'
    }

    It 'still profiles around a malformed line and counts it' {
        $dir = Join-Path $TestDrive 'broken'
        New-Item -ItemType Directory -Force -Path (Join-Path $dir 'telemetry') | Out-Null
        $lines = Get-Content -LiteralPath (Join-Path $script:Repo 'samples/telemetry/traces.json')
        $lines[0] = $lines[0].Substring(0, [int]($lines[0].Length / 2))
        Set-Content -LiteralPath (Join-Path $dir 'telemetry/traces.json') -Value (@($lines) + @('this is not json'))
        $config = New-Config $dir "environments:`n  dev:`n    sources:`n      - type: otlp-file`n        path: telemetry`n"
        $r = Invoke-Cli @('--config', $config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004', '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z')
        $r.ExitCode | Should -Be 0
        ($r.Stdout | ConvertFrom-Json).data_quality.malformed_records | Should -Be 2
    }
}

Describe 'profiler.ps1 --dry-run' {
    It 'prints the plan and reads no telemetry' {
        # A named pipe as the only telemetry file: reading it would block forever, listing it does not.
        $dir = Join-Path $TestDrive 'fifo'
        New-Item -ItemType Directory -Force -Path (Join-Path $dir 'telemetry') | Out-Null
        & mkfifo (Join-Path $dir 'telemetry/live.json')
        $LASTEXITCODE | Should -Be 0
        $config = New-Config $dir "environments:`n  dev:`n    sources:`n      - type: otlp-file`n        path: telemetry`n"
        $r = Invoke-Cli @('--config', $config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004', '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z', '--dry-run')
        $r.ExitCode | Should -Be 0
        $plan = ($r.Stdout | ConvertFrom-Json -DateKind String).plan
        $plan.target.id | Should -Be 'run-1004'
        $plan.window.start | Should -Be '2026-11-24T10:00:00Z'
        $plan.sources[0].source | Should -BeLike 'otlp-file*'
    }

    It 'still validates the arguments' {
        (Invoke-Cli ($script:Run1004 + @('--dry-run', '--env', 'qa')) ).ExitCode | Should -Be 2
    }
}

Describe 'profiler.ps1 invalid arguments (exit 2)' {
    It '<case>' -ForEach @(
        @{ case = 'unknown flag'; extra = @('--colour', 'red'); expect = "*unknown flag '--colour'*" }
        @{ case = 'positional argument'; extra = @('run-1004'); expect = '*unexpected argument*' }
        @{ case = 'positional argument after --k=v'; extra = @('--precision=ms', 'extra', 'more'); expect = "*unexpected argument 'more'*" }
        @{ case = 'malformed timestamp'; replace = @{ '--window-start' = '2026-11-24 10:00' }; expect = '*RFC 3339*InvalidTimestamp*' }
        @{ case = 'timestamp without offset'; replace = @{ '--window-end' = '2026-11-24T11:00:00' }; expect = '*explicit offset*' }
        @{ case = 'end not after start'; replace = @{ '--window-end' = '2026-11-24T10:00:00Z' }; expect = '*must be after its start*WindowNotIncreasing*' }
        @{ case = 'unknown format'; extra = @('--format', 'xml'); expect = "*unknown format 'xml'*" }
        @{ case = 'unknown target type'; replace = @{ '--target-type' = 'pod' }; expect = '*Valid types: service, workflow, run, operation, connector*' }
        @{ case = 'unknown environment'; replace = @{ '--env' = 'qa' }; expect = '*Valid environments: dev, staging, prod*' }
        @{ case = 'unknown precision'; extra = @('--precision', 'us'); expect = '*Valid values: ms, s*' }
        @{ case = 'flag given twice'; extra = @('--env', 'dev'); expect = '*more than once*' }
        @{ case = 'value missing'; extra = @('--format'); expect = '*needs a value*' }
    ) {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        if ($replace) { foreach ($k in $replace.Keys) { $a[$a.IndexOf($k) + 1] = $replace[$k] } }
        if ($extra) { $a.AddRange([string[]]$extra) }
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 2
        $r.Stdout | Should -BeNullOrEmpty
        $r.Stderr | Should -BeLike $expect
        $r.Stderr | Should -Not -BeLike '*   at *'
    }
}

Describe 'profiler.ps1 precondition failures (exit 3)' {
    It 'fails fast when <case>' -ForEach @(
        @{ case = 'the window start is missing'; drop = '--window-start'; expect = '*--window-start is required*' }
        @{ case = 'the window end is missing'; drop = '--window-end'; expect = '*--window-end is required*' }
        @{ case = 'the target is missing'; drop = '--target-id'; expect = '*--target-id is required*' }
    ) {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $i = $a.IndexOf($drop); $a.RemoveRange($i, 2)
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 3
        $r.Stderr | Should -BeLike $expect
    }

    It 'names the candidates of an ambiguous <type> and nothing else' -ForEach @(
        @{ type = 'run'; id = 'run-dup-1'; expect = '*wf-daily-report, wf-weekly-a*TargetAmbiguous*' }
        @{ type = 'workflow'; id = 'weekly-digest'; expect = '*wf-weekly-a, wf-weekly-b*' }
        @{ type = 'service'; id = 'chartly-analytics'; expect = '*analytics-blue/chartly-analytics, analytics-green/chartly-analytics*' }
    ) {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a[$a.IndexOf('--target-type') + 1] = $type
        $a[$a.IndexOf('--target-id') + 1] = $id
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 3
        $r.Stderr | Should -BeLike $expect
    }

    It 'reports a target that is not there' {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a[$a.IndexOf('--target-id') + 1] = 'run-9999'
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 3
        $r.Stderr | Should -BeLike "*No workflow run 'run-9999' was found*TargetNotFound*"
    }

    It 'reports a target outside the window with the nearest starts' {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a[$a.IndexOf('--window-end') + 1] = '2026-11-24T10:15:00Z'
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 3
        $r.Stderr | Should -BeLike '*Nearest starts: 2026-11-24T10:30:00Z*'
    }

    It 'reports a folder without telemetry files' {
        $dir = Join-Path $TestDrive 'empty'
        New-Item -ItemType Directory -Force -Path (Join-Path $dir 'telemetry') | Out-Null
        $config = New-Config $dir "environments:`n  dev:`n    sources:`n      - type: otlp-file`n        path: telemetry`n"
        $r = Invoke-Cli @('--config', $config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004', '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z')
        $r.ExitCode | Should -Be 3
        $r.Stderr | Should -BeLike '*No OTLP telemetry files*NoTelemetryFiles*'
    }

    It 'reports a missing configuration file' {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a[$a.IndexOf('--config') + 1] = (Join-Path $TestDrive 'nope.yaml')
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 3
        $r.Stderr | Should -BeLike '*does not exist*ConfigNotFound*'
    }

    It 'finds the configuration through CHARTLY_PROFILER_CONFIG' {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a.RemoveRange($a.IndexOf('--config'), 2)
        $r = Invoke-Cli $a.ToArray() @{ CHARTLY_PROFILER_CONFIG = $script:Config }
        $r.ExitCode | Should -Be 0
    }
}

Describe 'profiler.ps1 validation failures (exit 4)' {
    It 'rejects a malformed configuration: <case>' -ForEach @(
        @{ case = 'not YAML'; text = "environments: [`n  dev"; expect = '*not valid YAML*ConfigInvalid*' }
        @{ case = 'no sources'; text = "environments:`n  dev: {}`n"; expect = "*needs a 'sources' list*" }
        @{ case = 'unknown source type'; text = "environments:`n  dev:`n    sources:`n      - type: kafka`n"; expect = "*unknown source type 'kafka'*" }
    ) {
        $config = New-Config (Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))) $text
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a[$a.IndexOf('--config') + 1] = $config
        $r = Invoke-Cli $a.ToArray()
        $r.ExitCode | Should -Be 4
        $r.Stderr | Should -BeLike $expect
    }
}

Describe 'Deterministic output across cultures and time zones' {
    It 'prints the same bytes under <name>, twice' -ForEach @(
        @{ name = 'de-DE in Asia/Kolkata'; envs = @{ LC_ALL = 'de_DE.UTF-8'; LANG = 'de_DE.UTF-8'; TZ = 'Asia/Kolkata' } }
        @{ name = 'tr-TR in America/St_Johns'; envs = @{ LC_ALL = 'tr_TR.UTF-8'; LANG = 'tr_TR.UTF-8'; TZ = 'America/St_Johns' } }
    ) {
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Run1004)
        $a[$a.IndexOf('--target-type') + 1] = 'workflow'
        $a[$a.IndexOf('--target-id') + 1] = 'wf-daily-report'
        foreach ($format in 'json', 'yaml', 'text') {
            $baseline = Invoke-Cli ($a.ToArray() + @('--format', $format)) @{ LC_ALL = 'C.UTF-8'; TZ = 'UTC' }
            $baseline.ExitCode | Should -Be 0
            foreach ($i in 1..2) {
                $r = Invoke-Cli ($a.ToArray() + @('--format', $format)) $envs
                $r.ExitCode | Should -Be 0
                $r.Stdout | Should -BeExactly $baseline.Stdout
            }
        }
    }
}
