#Requires -Version 7.0
# chartly-tool as a user gets it: the nupkg that build.ps1 Build/Tool writes to out/tool/, installed
# with `dotnet tool install --tool-path` into a temporary folder (its own NuGet cache, the local
# folder as the only source: offline, and never a stale copy), then run as a process. Its stdout
# must be byte for byte what tools/profiler/profiler.ps1 prints for every sample target, format
# and precision; its bad-input answers must have profiler.ps1's exit codes and lines.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Cli = Join-Path $script:Repo 'tools/profiler/profiler.ps1'
    $script:Config = Join-Path $script:Repo 'samples/chartly-profiler.yaml'
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }
    $script:Feed = Join-Path $script:Repo 'out/tool'
    if (-not (Get-ChildItem -LiteralPath $script:Feed -Filter 'Chartly.Tool.*.nupkg' -ErrorAction SilentlyContinue)) {
        throw 'out/tool holds no Chartly.Tool nupkg: run ./build.ps1 Build (or Tool) first.'
    }

    $work = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'tool')).FullName
    $script:ToolDir = Join-Path $work 'bin'
    $nugetConfig = Join-Path $work 'nuget.config'
    Set-Content -LiteralPath $nugetConfig -Value @"
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="chartly-tool-build" value="$([System.Security.SecurityElement]::Escape($script:Feed))" />
  </packageSources>
</configuration>
"@
    $savedPackages = $env:NUGET_PACKAGES
    try {
        $env:NUGET_PACKAGES = Join-Path $work 'nuget-packages'
        $script:InstallLog = & dotnet tool install Chartly.Tool --tool-path $script:ToolDir --configfile $nugetConfig 2>&1 | Out-String
        $script:InstallExit = $LASTEXITCODE
    }
    finally {
        $env:NUGET_PACKAGES = $savedPackages
    }
    $script:Tool = Join-Path $script:ToolDir ($IsWindows ? 'chartly-tool.exe' : 'chartly-tool')
    $script:ToolDll = @(Get-ChildItem -LiteralPath $script:ToolDir -Recurse -Filter 'Chartly.Tool.dll' -File -Force -ErrorAction SilentlyContinue)[0].FullName

    # Runs a program with verbatim arguments: stdout (UTF-8), stderr, exit code.
    function Invoke-Process([string]$FilePath, [string[]]$Arguments, [hashtable]$Environment = @{}) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
        $psi.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $p = [System.Diagnostics.Process]::Start($psi)
        $stderrTask = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw "$FilePath did not finish: $($Arguments -join ' ')" }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $stdout; Stderr = $stderrTask.Result }
    }

    function Invoke-Tool([string[]]$Arguments, [hashtable]$Environment = @{}) { Invoke-Process $script:Tool $Arguments $Environment }

    # The command that starts a child pwsh of this version (under `dotnet pwsh`, dotnet + pwsh.dll).
    function Get-PwshPrefix {
        $process = [Environment]::ProcessPath
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return , @($process, (Join-Path $PSHOME 'pwsh.dll')) }
        return , @($process)
    }

    # profiler.ps1 as CI calls it: a fresh `pwsh -File` per call.
    function Invoke-Ps1([string[]]$Arguments) {
        $pwsh = Get-PwshPrefix
        Invoke-Process $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script:Cli) + $Arguments)
    }

    # Many cases in ONE child pwsh, as a process per case would cost minutes: first profiler.ps1
    # for each case (its `exit` ends the script, not the host; it writes to the raw stdout/stderr
    # streams, so each case is framed by marker lines written to those streams), then the
    # installed tool's own assembly, in that process, through ToolApp.Run (what its Main calls).
    # Returns, per case, the exit code, stdout and stderr of both.
    function Invoke-Batch([object[]]$Cases) {
        $dir = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive ('batch-' + [guid]::NewGuid().ToString('N')))).FullName
        $sep = [string][char]1
        Set-Content -LiteralPath (Join-Path $dir 'ps1.txt') -Value @($Cases | ForEach-Object { $_.Ps1 -join $sep })
        Set-Content -LiteralPath (Join-Path $dir 'tool.txt') -Value @($Cases | ForEach-Object { $_.Tool -join $sep })
        $driver = Join-Path $dir 'driver.ps1'
        Set-Content -LiteralPath $driver -Value @'
param([string]$Cli, [string]$Dir, [string]$ToolDll)
$utf8 = [System.Text.UTF8Encoding]::new($false)
$sep = [string][char]1
$out = [System.IO.StreamWriter]::new([Console]::OpenStandardOutput(), $utf8)
$cases = @(Get-Content -LiteralPath (Join-Path $Dir 'ps1.txt'))
$codes = [System.Collections.Generic.List[string]]::new()
for ($i = 0; $i -lt $cases.Count; $i++) {
    $marker = "`u{1}case $i`u{1}`n"
    $out.Write($marker); $out.Flush()
    [Console]::Error.Write($marker); [Console]::Error.Flush()
    $global:LASTEXITCODE = 0
    $arguments = @($cases[$i] -split $sep)
    $null = & $Cli @arguments
    $codes.Add([string]$LASTEXITCODE)
}
Set-Content -LiteralPath (Join-Path $Dir 'ps1-codes.txt') -Value $codes

Add-Type -LiteralPath $ToolDll
$tools = @(Get-Content -LiteralPath (Join-Path $Dir 'tool.txt'))
for ($i = 0; $i -lt $tools.Count; $i++) {
    $o = [System.IO.StringWriter]::new(); $e = [System.IO.StringWriter]::new()
    $code = [Chartly.Tool.ToolApp]::Run([string[]]@($tools[$i] -split $sep), $o, $e)
    [IO.File]::WriteAllText((Join-Path $Dir "tool-$i.out"), $o.ToString(), $utf8)
    [IO.File]::WriteAllText((Join-Path $Dir "tool-$i.err"), $e.ToString(), $utf8)
    [IO.File]::WriteAllText((Join-Path $Dir "tool-$i.code"), [string]$code, $utf8)
}
'@
        $pwsh = Get-PwshPrefix
        $r = Invoke-Process $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $driver, '-Cli', $script:Cli, '-Dir', $dir, '-ToolDll', $script:ToolDll)) @{ CHARTLY_PROFILER_MODULE = $script:ModulePath }
        $codesPath = Join-Path $dir 'ps1-codes.txt'
        if ($r.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $codesPath)) { throw "the batch failed ($($r.ExitCode)): $($r.Stderr)" }
        $codes = @(Get-Content -LiteralPath $codesPath)
        $split = { param($text) @([regex]::Split($text, "\u0001case \d+\u0001\n") | Select-Object -Skip 1) }
        $stdouts = & $split $r.Stdout
        $stderrs = & $split $r.Stderr
        if ($codes.Count -ne $Cases.Count -or $stdouts.Count -ne $Cases.Count -or $stderrs.Count -ne $Cases.Count) { throw 'the batch lost a case' }
        for ($i = 0; $i -lt $Cases.Count; $i++) {
            $read = { param($ext) [IO.File]::ReadAllText((Join-Path $dir "tool-$i.$ext")) }
            [pscustomobject]@{
                Name = $Cases[$i].Name
                Compare = $Cases[$i].PSObject.Properties['Compare']?.Value
                Ps1  = [pscustomobject]@{ ExitCode = [int]$codes[$i]; Stdout = $stdouts[$i]; Stderr = $stderrs[$i] }
                Tool = [pscustomobject]@{ ExitCode = [int](& $read 'code'); Stdout = (& $read 'out'); Stderr = (& $read 'err') }
            }
        }
    }

    # What differs between the two sides of each batch result: empty when they agree. A case may
    # ask for less than all bytes: 'ExitCode', or 'ErrorId' (exit code and the [ErrorId] suffix).
    function Compare-Batch([object[]]$Results) {
        $id = { param($line) if ($line -match '\[(\w+)\]\s*$') { $Matches[1] } else { '' } }
        foreach ($r in $Results) {
            if ($r.Tool.ExitCode -ne $r.Ps1.ExitCode) { "$($r.Name): exit $($r.Tool.ExitCode), profiler.ps1 $($r.Ps1.ExitCode) ($($r.Tool.Stderr.Trim()) | $($r.Ps1.Stderr.Trim()))" }
            elseif ($r.Compare -eq 'ExitCode') { }
            elseif ($r.Compare -eq 'ErrorId') { if ((& $id $r.Tool.Stderr) -cne (& $id $r.Ps1.Stderr) -or (& $id $r.Ps1.Stderr) -eq '') { "$($r.Name): error id differs or is missing" } }
            elseif (-not [string]::Equals($r.Tool.Stdout, $r.Ps1.Stdout, [StringComparison]::Ordinal)) { "$($r.Name): stdout differs" }
            elseif (-not [string]::Equals($r.Tool.Stderr, $r.Ps1.Stderr, [StringComparison]::Ordinal)) { "$($r.Name): stderr '$($r.Tool.Stderr)' vs '$($r.Ps1.Stderr)'" }
        }
    }

    $script:Window = @('--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z')
    $script:Common = @('--config', $script:Config, '--env', 'dev') + $script:Window

    # Every target of samples/telemetry/README.md ("Targets to try"), the ambiguous ones included.
    $script:SampleTargets = @(
        'run:run-1001', 'run:run-1002', 'run:run-1003', 'run:run-1004', 'run:run-1005', 'run:run-1006',
        'run:run-2001', 'run:run-2002', 'run:run-dup-1',
        'workflow:wf-daily-report', 'workflow:daily-report', 'workflow:wf-weekly-a', 'workflow:wf-weekly-b', 'workflow:weekly-digest',
        'operation:op-7f3a',
        'connector:conn-salesforce', 'connector:conn-salesforce/cr-501', 'connector:conn-salesforce/cr-502',
        'service:chartly-analytics', 'service:analytics-blue/chartly-analytics', 'service:analytics-green/chartly-analytics',
        'service:chartly-workflow-engine', 'service:chartly-connectors'
    )
}

Describe 'chartly-tool installed from out/tool' {
    It 'installs with dotnet tool install --tool-path from the built folder' {
        $script:InstallExit | Should -Be 0 -Because $script:InstallLog
        Test-Path -LiteralPath $script:Tool | Should -BeTrue
    }

    It 'prints the version the profile header records' {
        $r = Invoke-Tool @('--version')
        $r.ExitCode | Should -Be 0
        $header = (Invoke-Tool (@('profiler', 'run:run-1004') + $script:Common)).Stdout | ConvertFrom-Json
        $r.Stdout | Should -BeExactly ($header.header.tool_version + "`n")
    }

    It 'shows .NET-style help for the tool and for profiler' {
        $root = Invoke-Tool @('--help')
        $root.ExitCode | Should -Be 0
        $root.Stdout | Should -BeLike '*Usage:*chartly-tool*profiler*completion*'
        $sub = Invoke-Tool @('profiler', '--help')
        $sub.ExitCode | Should -Be 0
        foreach ($flag in '--env', '--target-type', '--target-id', '--window-start', '--window-end', '--format', '--dry-run', '--compare-to', '--precision', '--include-metrics', '--config', '--help') {
            $sub.Stdout | Should -BeLike "*$flag*"
        }
    }
}

Describe 'chartly-tool prints the bytes profiler.ps1 prints' {
    BeforeAll {
        # Every sample target x format x precision, and the dry run in every format.
        $script:Cases = [System.Collections.Generic.List[object]]::new()
        foreach ($target in $script:SampleTargets) {
            $type, $id = $target -split ':', 2
            foreach ($format in 'json', 'yaml', 'text') {
                foreach ($precision in 'ms', 's') {
                    $script:Cases.Add([pscustomobject]@{
                            Name = "$target $format $precision"
                            Tool = @('profiler', $target) + $script:Common + @('--format', $format, '--precision', $precision)
                            Ps1  = @('--target-type', $type, '--target-id', $id) + $script:Common + @('--format', $format, '--precision', $precision)
                        })
                }
            }
        }
        # A comparison with a run baseline and with a saved profile, and a signal allowlist.
        $saved = Join-Path $TestDrive 'run-1001.json'
        [IO.File]::WriteAllText($saved, (Invoke-Tool (@('profiler', 'run:run-1001') + $script:Common)).Stdout)
        foreach ($extra in @(@('--compare-to', 'run:run-1001', '--format', 'text'), @('--compare-to', $saved), @('--include-metrics', 'throttling,CPU_utilization', '--format', 'yaml'))) {
            $script:Cases.Add([pscustomobject]@{
                    Name = "run-1004 $($extra -join ' ')"
                    Tool = @('profiler', 'run:run-1004') + $script:Common + $extra
                    Ps1  = @('--target-type', 'run', '--target-id', 'run-1004') + $script:Common + $extra
                })
        }
        foreach ($format in 'json', 'yaml', 'text') {
            $script:Cases.Add([pscustomobject]@{
                    Name = "dry run $format"
                    Tool = @('profiler', 'run:run-1004', '--dry-run') + $script:Common + @('--format', $format)
                    Ps1  = @('--target-type', 'run', '--target-id', 'run-1004', '--dry-run') + $script:Common + @('--format', $format)
                })
        }
        $script:Results = @(Invoke-Batch $script:Cases)
    }

    It 'matches stdout, stderr and exit code for every case' {
        @(Compare-Batch $script:Results) | Should -BeNullOrEmpty
        # Only worth something if the cases really profile: all but the three ambiguous targets.
        @($script:Results | Where-Object { $_.Ps1.ExitCode -eq 0 }).Count | Should -Be ($script:Cases.Count - 3 * 6)
        @($script:Results | Where-Object { $_.Ps1.ExitCode -eq 3 -and $_.Ps1.Stderr -like '*TargetAmbiguous*' }).Count | Should -Be (3 * 6)
    }

    It 'gives the same bytes for <type>:<id> and --target-type/--target-id' {
        $a = Invoke-Tool (@('profiler', 'connector:conn-salesforce/cr-502') + $script:Common + @('--format', 'yaml'))
        $b = Invoke-Tool (@('profiler', '--target-type', 'connector', '--target-id', 'conn-salesforce/cr-502') + $script:Common + @('--format', 'yaml'))
        $a.ExitCode | Should -Be 0
        $b.Stdout | Should -BeExactly $a.Stdout
    }

    It 'matches a fresh pwsh -File profiler.ps1 call (the Demo command line)' {
        $demo = @('--config', 'samples/chartly-profiler.yaml', '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004') + $script:Window + @('--format', 'text')
        Push-Location $script:Repo
        try {
            $want = Invoke-Ps1 $demo
            $got = Invoke-Tool (@('profiler') + $demo)
        }
        finally {
            Pop-Location
        }
        $want.ExitCode | Should -Be 0
        $got.ExitCode | Should -Be 0
        $got.Stdout | Should -BeExactly $want.Stdout
    }
}

Describe 'chartly-tool rejects what profiler.ps1 rejects' {
    BeforeAll {
        $run = @('--target-type', 'run', '--target-id', 'run-1004')
        $nope = Join-Path $TestDrive 'nope.yaml'
        $script:Bad = @(
            @{ Name = 'unknown flag'; Args = $run + $script:Common + @('--colour', 'red') }
            @{ Name = 'unknown flag with a value'; Args = $run + $script:Common + @('--colour=red') }
            # The tool takes one positional argument, the target: with --target-type too it is the
            # target given twice (exit 2 both), not an unexpected argument.
            @{ Name = 'positional argument'; Args = $run + $script:Common + @('run-1004'); Compare = 'ExitCode' }
            @{ Name = 'flag given twice'; Args = $run + $script:Common + @('--env', 'dev') }
            @{ Name = 'switch given twice'; Args = $run + $script:Common + @('--dry-run', '--dry-run') }
            @{ Name = 'switch with a value'; Args = $run + $script:Common + @('--dry-run=yes') }
            @{ Name = 'value missing at the end'; Args = $run + $script:Common + @('--format') }
            @{ Name = 'value missing before a flag'; Args = $run + @('--format', '--config', $script:Config, '--env', 'dev') + $script:Window }
            @{ Name = 'lone double dash'; Args = $run + $script:Common + @('--') }
            @{ Name = 'env missing'; Args = $run + @('--config', $script:Config) + $script:Window }
            @{ Name = 'target id missing'; Args = @('--target-type', 'run') + $script:Common }
            @{ Name = 'target id blank'; Args = @('--target-type', 'run', '--target-id', ' ') + $script:Common }
            @{ Name = 'window start missing'; Args = $run + @('--config', $script:Config, '--env', 'dev', '--window-end', '2026-11-24T11:00:00Z') }
            @{ Name = 'window end missing'; Args = $run + @('--config', $script:Config, '--env', 'dev', '--window-start', '2026-11-24T10:00:00Z') }
            @{ Name = 'unknown format'; Args = $run + $script:Common + @('--format', 'xml') }
            @{ Name = 'format in capitals'; Args = $run + $script:Common + @('--format', 'JSON') }
            @{ Name = 'unknown environment'; Args = $run + @('--config', $script:Config, '--env', 'qa') + $script:Window }
            @{ Name = 'unknown target type'; Args = @('--target-type', 'pod', '--target-id', 'x') + $script:Common }
            @{ Name = 'malformed timestamp'; Args = $run + @('--config', $script:Config, '--env', 'dev', '--window-start', '2026-11-24 10:00', '--window-end', '2026-11-24T11:00:00Z') }
            @{ Name = 'window not increasing'; Args = $run + @('--config', $script:Config, '--env', 'dev', '--window-start', '2026-11-24T11:00:00Z', '--window-end', '2026-11-24T10:00:00Z') }
            @{ Name = 'unknown precision'; Args = $run + $script:Common + @('--precision', 'us') }
            @{ Name = 'unknown metric'; Args = $run + $script:Common + @('--include-metrics', 'cpu,bogus') }
            @{ Name = 'target not found'; Args = @('--target-type', 'run', '--target-id', 'run-9999') + $script:Common }
            @{ Name = 'missing configuration'; Args = $run + @('--config', $nope, '--env', 'dev') + $script:Window }
            # PowerShell reads 'nonsense:' as a drive and echoes the path as typed; the tool resolves
            # a file named 'nonsense:x' in the current directory and names its full path.
            @{ Name = 'bad baseline'; Args = $run + $script:Common + @('--compare-to', 'nonsense:x'); Compare = 'ErrorId' }
            @{ Name = 'missing baseline document'; Args = $run + $script:Common + @('--compare-to', $nope) }
            @{ Name = 'dry run validates too'; Args = $run + @('--dry-run', '--config', $script:Config, '--env', 'qa') + $script:Window }
        )
        $script:BadResults = @(Invoke-Batch @($script:Bad | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Ps1 = $_.Args; Tool = @('profiler') + $_.Args; Compare = $_.Compare } }))
    }

    It 'answers with the same exit code and the same stderr line' {
        @($script:BadResults | Where-Object { $_.Ps1.ExitCode -eq 0 } | ForEach-Object Name) | Should -BeNullOrEmpty -Because 'every case is bad input'
        @($script:BadResults | Where-Object { $_.Tool.Stdout -ne '' } | ForEach-Object Name) | Should -BeNullOrEmpty
        @(Compare-Batch $script:BadResults) | Should -BeNullOrEmpty
    }

    It 'answers as a process too: <name>' -ForEach @(
        @{ name = 'unknown flag'; index = 0 }
        @{ name = 'target not found'; index = 22 }
    ) {
        $case = $script:BadResults[$index]
        $case.Name | Should -Be $name
        $r = Invoke-Tool (@('profiler') + $script:Bad[$index].Args)
        $r.ExitCode | Should -Be $case.Ps1.ExitCode
        $r.Stderr | Should -BeExactly $case.Ps1.Stderr
    }

    It 'rejects <name> with exit 2 naming the valid forms' -ForEach @(
        @{ name = 'a target without <type>:'; cli = @('profiler', 'run-1004'); expect = "profiler: the target 'run-1004' has no type: write <type>:<id> (types: service, workflow, run, operation, connector)*" }
        @{ name = 'both target forms'; cli = @('profiler', 'run:run-1004', '--target-type', 'run', '--target-id', 'run-1004'); expect = "profiler: the target was given twice*use one form*" }
        @{ name = 'an unknown subcommand'; cli = @('profile', 'run:run-1004'); expect = "chartly-tool: unknown command 'profile'; valid commands: profiler, completion*" }
        @{ name = 'no subcommand'; cli = @(); expect = 'chartly-tool: a command is required: profiler <type>:<id>*' }
    ) {
        $r = Invoke-Tool ($cli + $(if ($cli.Count) { $script:Common } else { @() }))
        $r.ExitCode | Should -Be 2
        $r.Stdout | Should -BeNullOrEmpty
        $r.Stderr | Should -BeLike $expect
        ($r.Stderr.TrimEnd("`n") -split "`n").Count | Should -Be 1
    }
}

Describe 'chartly-tool completion' {
    BeforeAll {
        $script:SavedPath = $env:PATH
        $env:PATH = $script:ToolDir + [IO.Path]::PathSeparator + $env:PATH
        $script:EnvConfig = Join-Path $TestDrive 'only-staging/chartly-profiler.yaml'
        New-Item -ItemType Directory -Force -Path (Split-Path $script:EnvConfig) | Out-Null
        Set-Content -LiteralPath $script:EnvConfig -Value "environments:`n  staging:`n    sources:`n      - type: otlp-file`n        path: telemetry`n"
    }

    AfterAll {
        $env:PATH = $script:SavedPath
    }

    It 'completes in bash: <line>' -ForEach @(
        @{ line = 'chartly-tool pro'; expect = @('profiler') }
        @{ line = 'chartly-tool profiler wor'; expect = @('workflow:') }
        @{ line = 'chartly-tool profiler run:run-1004 --format '; expect = @('json', 'text', 'yaml') }
        @{ line = 'chartly-tool profiler --env '; config = $true; expect = @('staging') }
        @{ line = 'chartly-tool profiler --window-'; expect = @('--window-end', '--window-start') }
        @{ line = 'chartly-tool completion '; expect = @('--help', 'bash', 'pwsh', 'zsh') }
    ) {
        if (-not (Get-Command bash -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'bash is not installed'; return }
        $line = if ($config) { $line -replace '^chartly-tool profiler', "chartly-tool profiler --config $($script:EnvConfig)" } else { $line }
        $script = @'
source <(chartly-tool completion bash)
COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_chartly_tool_complete
printf '%s\n' "${COMPREPLY[@]}"
'@
        $r = Invoke-Process 'bash' @('-c', $script, 'bash', $line)
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        @($r.Stdout.TrimEnd("`n") -split "`n") | Should -Be $expect
    }

    It 'completes in pwsh: <line>' -ForEach @(
        @{ line = 'chartly-tool profiler op'; expect = @('operation:') }
        @{ line = 'chartly-tool profiler --precision '; expect = @('ms', 's') }
        @{ line = 'chartly-tool profiler --include-metrics cpu,me'; expect = @('cpu,memory_utilization') }
        @{ line = 'chartly-tool profiler --env '; config = $true; expect = @('staging') }
    ) {
        $line = if ($config) { $line -replace '^chartly-tool profiler', "chartly-tool profiler --config $($script:EnvConfig)" } else { $line }
        (Invoke-Tool @('completion', 'pwsh')).Stdout | Invoke-Expression
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        @($found.CompletionText) | Should -Be $expect
    }

    It 'completes in zsh: <line>' -ForEach @(
        @{ line = 'chartly-tool profiler wor'; expect = @('workflow: (no space)') }
        @{ line = 'chartly-tool profiler --format '; expect = @('json', 'text', 'yaml') }
    ) {
        if (-not (Get-Command zsh -ErrorAction SilentlyContinue)) {
            if ($env:CI) { throw 'zsh is not installed (.ci/run installs it)' }
            Set-ItResult -Skipped -Because 'zsh is not installed'; return
        }
        # compadd and _files only exist inside a completion widget: stand-ins print what they were given.
        $script = @'
compdef() { : }
compadd() { local -a a; a=("$@"); local s=""; while [[ $a[1] != -- ]]; do [[ $a[1] == -S ]] && s=" (no space)"; shift a; done; shift a; print -rl -- "${a[@]/%/$s}" }
_files() { print "(files)" }
source <(chartly-tool completion zsh)
BUFFER="$1"; CURSOR=${#BUFFER}
_chartly_tool_complete
'@
        $r = Invoke-Process 'zsh' @('-c', $script, 'zsh', $line)
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        @($r.Stdout.TrimEnd("`n") -split "`n") | Should -Be $expect
    }

    It 'prints a zsh script that asks [suggest] and parses' {
        $r = Invoke-Tool @('completion', 'zsh')
        $r.ExitCode | Should -Be 0
        $r.Stdout | Should -BeLike '*compdef _chartly_tool_complete chartly-tool*'
        $r.Stdout | Should -BeLike '*`[suggest:*'
        if (Get-Command zsh -ErrorAction SilentlyContinue) {
            $file = Join-Path $TestDrive 'chartly-tool.zsh'
            Set-Content -LiteralPath $file -Value $r.Stdout -NoNewline
            $check = Invoke-Process 'zsh' @('-n', $file)
            $check.ExitCode | Should -Be 0 -Because $check.Stderr
        }
    }
}
