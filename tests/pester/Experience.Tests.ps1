#Requires -Version 7.0
# The PowerShell experience of the built module, each in a fresh pwsh as a user's session runs it:
# pipelines of targets, tab completion through TabExpansion2, -Verbose and progress, the views
# (and that --format text prints the default view), the HTML report in a headless Chromium, and
# tools/profiler/profiler.py against profiler.ps1.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }
    $script:Manifest = Join-Path $script:ModulePath 'ChartlyProfiler.psd1'
    $script:Config = Join-Path $script:Repo 'samples/chartly-profiler.yaml'
    $script:Cli = Join-Path $script:Repo 'tools/profiler/profiler.ps1'
    $script:Py = Join-Path $script:Repo 'tools/profiler/profiler.py'
    $script:Window = '-WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z'

    # Starts a process, returns ExitCode, Stdout, Stderr. $Environment adds variables;
    # $Remove takes some away.
    function Invoke-Process([string]$FilePath, [string[]]$Arguments, [hashtable]$Environment = @{}, [string]$WorkingDirectory = $script:Repo, [string[]]$Remove = @()) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardInput = $true
        $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $WorkingDirectory
        $psi.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        foreach ($k in $Remove) { [void]$psi.Environment.Remove($k) }
        $p = [System.Diagnostics.Process]::Start($psi)
        $p.StandardInput.Close()
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(180000)) { $p.Kill($true); throw "$FilePath did not finish: $($Arguments -join ' ')" }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $out; Stderr = $err.Result }
    }

    function Get-PwshPrefix {
        $process = [Environment]::ProcessPath
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return , @($process, (Join-Path $PSHOME 'pwsh.dll')) }
        return , @($process)
    }

    # Runs $Script in a fresh pwsh that has imported the module; $Interactive leaves out
    # -NonInteractive. Returns what the script printed (stdout), as one string, plus the process.
    function Invoke-Module([string]$Script, [hashtable]$Environment = @{}, [string]$WorkingDirectory = $script:Repo, [switch]$Interactive) {
        $file = Join-Path $TestDrive ("child-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Encoding utf8 -Value ("`$ErrorActionPreference = 'Stop'`nImport-Module '$($script:Manifest.Replace("'", "''"))'`n" + $Script)
        $cmd = Get-PwshPrefix
        $argv = @($cmd | Select-Object -Skip 1) + @('-NoProfile') + $(if ($Interactive) { @() } else { @('-NonInteractive') }) + @('-File', $file)
        Invoke-Process $cmd[0] $argv $Environment $WorkingDirectory
    }

    function Invoke-Cli([string[]]$Arguments) {
        $cmd = Get-PwshPrefix
        Invoke-Process $cmd[0] (@($cmd | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script:Cli) + $Arguments) @{ CHARTLY_PROFILER_MODULE = $script:ModulePath }
    }

    # Text compared "modulo trailing whitespace": each line's end, and blank lines around it.
    function ConvertTo-Comparable([string]$Text) {
        $lines = @(($Text -replace "`r`n", "`n") -split "`n" | ForEach-Object { $_.TrimEnd() })
        $first = 0; while ($first -lt $lines.Count -and $lines[$first] -eq '') { $first++ }
        $last = $lines.Count - 1; while ($last -ge $first -and $lines[$last] -eq '') { $last-- }
        return ($lines[$first..$last] -join "`n")
    }

    # Where a test needs a tool the CI installs (.ci/run): in CI its absence is a failure,
    # on a developer's machine the test is skipped.
    function Find-Tool([string[]]$Names) {
        foreach ($n in $Names) {
            $c = Get-Command $n -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($c) { return $c.Source }
        }
        if ($env:CI -eq 'true') { throw "$($Names -join ' / ') is not installed; .ci/run installs it (install_prerequisites)." }
        return $null
    }
}

Describe 'Pipelines of targets' {
    It 'profiles each row of Import-Csv and goes on past a bad one' {
        $csv = Join-Path $TestDrive 'targets.csv'
        Set-Content -LiteralPath $csv -Value @(
            'Environment,TargetType,TargetId'
            'dev,run,run-1001'
            'dev,run,run-9999'
            'dev,connector,conn-salesforce/cr-502'
            'qa,run,run-1004'
            'dev,workflow,wf-weekly-b')
        $r = Invoke-Module @"
`$ErrorActionPreference = 'Continue'
`$profiles = Import-Csv '$csv' | Get-ChartlyProfile -ConfigPath '$($script:Config)' $($script:Window) -ErrorVariable bad -ErrorAction SilentlyContinue
`$profiles | ForEach-Object { 'ok ' + `$_.Header.Target + ' ' + `$_.Summary.TotalDurationMs }
`$bad | ForEach-Object { 'error ' + `$_.FullyQualifiedErrorId + ' ' + `$_.TargetObject + ' ' + `$_.CategoryInfo.Category }
"@
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $lines = @($r.Stdout -split "`r?`n" | Where-Object { $_ })
        $lines | Should -Be @(
            'ok run:run-1001 3844'
            'ok connector:conn-salesforce/cr-502 4026'
            'ok workflow:wf-weekly-b 4589'
            'error TargetNotFound,Chartly.Profiler.Cmdlets.GetChartlyProfileCommand run-9999 ObjectNotFound'
            'error InvalidEnvironment,Chartly.Profiler.Cmdlets.GetChartlyProfileCommand run-1004 InvalidArgument')
    }

    It 'stops at the first bad row with -ErrorAction Stop' {
        $r = Invoke-Module @"
`$rows = @([pscustomobject]@{ Environment = 'dev'; TargetType = 'run'; TargetId = 'run-9999' }, [pscustomobject]@{ Environment = 'dev'; TargetType = 'run'; TargetId = 'run-1001' })
try { `$rows | Get-ChartlyProfile -ConfigPath '$($script:Config)' $($script:Window) -ErrorAction Stop | ForEach-Object { 'profile' } }
catch { 'stopped ' + `$_.FullyQualifiedErrorId }
"@
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Stdout.Trim() | Should -Be 'stopped TargetNotFound,Chartly.Profiler.Cmdlets.GetChartlyProfileCommand'
    }
}

Describe 'Tab completion (TabExpansion2)' {
    BeforeAll {
        $script:Empty = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty') -Force).FullName
        # Another configuration, and telemetry with ids in two environments.
        $mixed = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'mixed/telemetry') -Force).FullName
        $line = {
            param($env, $run, $n)
            $resource = if ($env) { "{`"key`":`"deployment.environment.name`",`"value`":{`"stringValue`":`"$env`"}}," } else { '' }
            '{"resourceSpans":[{"resource":{"attributes":[' + $resource + '{"key":"service.name","value":{"stringValue":"engine"}}]},"scopeSpans":[{"spans":[{"traceId":"' + ('{0:x32}' -f $n) + '","spanId":"' + ('{0:x16}' -f $n) + '","name":"w","kind":2,"startTimeUnixNano":"1795514400000000000","endTimeUnixNano":"1795514401000000000","attributes":[{"key":"chartly.run.id","value":{"stringValue":"' + $run + '"}}]}]}]}]}'
        }
        Set-Content -LiteralPath (Join-Path $mixed 'spans.json') -Value @((& $line 'dev' 'run-dev-1' 1), (& $line 'staging' 'run-staging-1' 2), (& $line $null 'run-any-1' 3))
        $script:MixedConfig = Join-Path $TestDrive 'mixed/chartly-profiler.yaml'
        Set-Content -LiteralPath $script:MixedConfig -Value "environments:`n  dev:`n    sources:`n      - type: otlp-file`n        path: telemetry`n  staging:`n    sources:`n      - type: otlp-file`n        path: telemetry`n"

        $script:Tab = Invoke-Module -WorkingDirectory $script:Empty -Environment @{ CHARTLY_PROFILER_CONFIG = '' } -Script @"
function Complete([string]`$line) { @((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches | ForEach-Object CompletionText) -join ',' }
`$r = [ordered]@{}
`$r.EnvNoConfig = Complete 'Get-ChartlyProfile -Environment '
`$r.EnvFromConfigPath = Complete "Get-ChartlyProfile -ConfigPath '$($script:MixedConfig)' -Environment "
`$r.TargetType = Complete 'Get-ChartlyProfile -TargetType '
`$r.RunIds = Complete "Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev -TargetType run -TargetId run-10"
`$r.ServiceIds = Complete "Get-ChartlyProfilePlan -ConfigPath '$($script:Config)' -Environment dev -TargetType service -TargetId analytics-"
`$r.MixedDev = Complete "Get-ChartlyProfile -ConfigPath '$($script:MixedConfig)' -Environment dev -TargetType run -TargetId run-"
`$r.MixedStaging = Complete "Get-ChartlyProfile -ConfigPath '$($script:MixedConfig)' -Environment staging -TargetType run -TargetId run-"
`$env:CHARTLY_PROFILER_CONFIG = '$($script:MixedConfig)'
`$r.EnvFromVariable = Complete 'Get-ChartlyProfile -Environment '
`$r.IdsFromVariable = Complete 'Get-ChartlyProfile -TargetType run -TargetId run-'
Set-Location '$($script:Repo)/samples'
Remove-Item Env:CHARTLY_PROFILER_CONFIG
`$r.IdsFromCurrentFolder = Complete 'Get-ChartlyProfile -Environment dev -TargetType operation -TargetId '
`$r | ConvertTo-Json
"@
        $script:TabResult = if ($script:Tab.ExitCode -eq 0) { $script:Tab.Stdout | ConvertFrom-Json } else { $null }
    }

    It 'ran' {
        $script:Tab.ExitCode | Should -Be 0 -Because $script:Tab.Stderr
    }

    It 'completes <Case>' -ForEach @(
        @{ Case = 'environments without a configuration: the fixed set'; Key = 'EnvNoConfig'; Expect = 'dev,prod,staging' }
        @{ Case = 'environments of the configuration named by -ConfigPath'; Key = 'EnvFromConfigPath'; Expect = 'dev,staging' }
        @{ Case = 'target types'; Key = 'TargetType'; Expect = 'connector,operation,run,service,workflow' }
        @{ Case = 'run ids seen in the configured telemetry'; Key = 'RunIds'; Expect = 'run-1001,run-1002,run-1003,run-1004,run-1005,run-1006' }
        @{ Case = 'service ids by namespace'; Key = 'ServiceIds'; Expect = 'analytics-blue/chartly-analytics,analytics-green/chartly-analytics' }
        @{ Case = 'ids of the chosen environment only (and those with none)'; Key = 'MixedDev'; Expect = 'run-any-1,run-dev-1' }
        @{ Case = 'ids of another environment'; Key = 'MixedStaging'; Expect = 'run-any-1,run-staging-1' }
        @{ Case = 'environments of the configuration named by CHARTLY_PROFILER_CONFIG'; Key = 'EnvFromVariable'; Expect = 'dev,staging' }
        @{ Case = 'ids of every configured environment when none is typed'; Key = 'IdsFromVariable'; Expect = 'run-any-1,run-dev-1,run-staging-1' }
        @{ Case = 'ids through chartly-profiler.yaml in the current location'; Key = 'IdsFromCurrentFolder'; Expect = 'op-7f3a' }
    ) {
        $script:TabResult.$Key | Should -Be $Expect
    }
}

Describe '-Verbose and progress' {
    It '-Verbose names the configuration and every file read' {
        $r = Invoke-Module "Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev -TargetType run -TargetId run-1004 $($script:Window) -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message"
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Stdout | Should -Match 'Reading configuration .*chartly-profiler\.yaml'
        foreach ($f in 'metrics.json', 'mixed.json', 'operation.json', 'traces-2026-11-24T10-30-00.000.json', 'traces.json') {
            $r.Stdout | Should -Match "Reading \S*$([regex]::Escape($f)) \(file \d of \d"
        }
    }

    It 'writes progress records in an interactive process and none in a -NonInteractive one' {
        # A nested pipeline collects the progress stream whatever the host would render.
        $probe = @"
`$ps = [powershell]::Create()
`$null = `$ps.AddScript("Import-Module '$($script:Manifest)'; Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev -TargetType run -TargetId run-1004 $($script:Window)")
`$null = `$ps.Invoke()
'progress=' + `$ps.Streams.Progress.Count
"@
        $quiet = Invoke-Module $probe
        $quiet.ExitCode | Should -Be 0 -Because $quiet.Stderr
        $quiet.Stdout.Trim() | Should -Be 'progress=0'

        $shown = Invoke-Module $probe -Interactive
        $shown.ExitCode | Should -Be 0 -Because $shown.Stderr
        $shown.Stdout.Trim() | Should -Match '^progress=([1-9]\d*)$'
    }
}

Describe 'Views' {
    It 'the default view of a profile is the text of profiler.ps1 --format text (<Case>)' -ForEach @(
        @{ Case = 'one run'; Target = @('--target-type', 'run', '--target-id', 'run-1004'); Extra = @(); Ps = '-TargetType run -TargetId run-1004' }
        @{ Case = 'a workflow'; Target = @('--target-type', 'workflow', '--target-id', 'wf-daily-report'); Extra = @(); Ps = '-TargetType workflow -TargetId wf-daily-report' }
        @{ Case = 'a comparison'; Target = @('--target-type', 'run', '--target-id', 'run-1004'); Extra = @('--compare-to', 'run:run-1003'); Ps = '-TargetType run -TargetId run-1004 -CompareTo run:run-1003' }
    ) {
        $cli = Invoke-Cli (@('--config', $script:Config, '--env', 'dev', '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z', '--format', 'text') + $Target + $Extra)
        $cli.ExitCode | Should -Be 0 -Because $cli.Stderr
        $view = Invoke-Module "Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev $Ps $($script:Window) | Out-String -Width 4096"
        $view.ExitCode | Should -Be 0 -Because $view.Stderr
        (ConvertTo-Comparable $view.Stdout) | Should -BeExactly (ConvertTo-Comparable $cli.Stdout)
        $cli.Stdout | Should -BeLike 'Chartly Profiler *'
    }

    It 'shows <What> as a <Shape>' -ForEach @(
        @{ What = 'a comparison'; Shape = 'list by default'; Expr = '$p.Comparison'; Expect = @('Baseline *: run run:run-1003 *', 'Classification *: regressed', 'DeltaMs *: +3761', 'Test *: magnitude only') }
        @{ What = 'a comparison'; Shape = 'table'; Expr = '$p.Comparison | Format-Table'; Expect = @('Baseline*Classification*BaselineTotalMs*CurrentTotalMs*DeltaMs*DeltaMeanPct*Test*PValue', 'run run:run-1003*regressed*3746*7507*+3761*+100.4%*') }
        @{ What = 'component deltas'; Shape = 'table by default'; Expr = '$p.Comparison.Components'; Expect = @('Component*Presence*BaselineMs*CurrentMs*DeltaMs*DeltaPctPoints*ImpactPct*Classification', 'analytics_query_exec*both*1235*4941*+3706*+32.8*+98.9*regressed') }
        @{ What = 'component deltas'; Shape = 'list'; Expr = '$p.Comparison.Components[0] | Format-List'; Expect = @('Component *: analytics_query_exec', 'DeltaMs *: +3706', 'ImpactPct *: +98.9') }
        @{ What = 'signals'; Shape = 'table by default'; Expr = '$p.Signals'; Expect = @('Name*Status*Avg*Max*Samples*Metrics', 'cpu_utilization*ok*59.8%*98.1%*') }
        @{ What = 'signals'; Shape = 'list'; Expr = '$p.Signals[0] | Format-List'; Expect = @('Name *: cpu_utilization', 'Unit *: ratio', 'Components *: analytics_query_exec avg 0.981*') }
    ) {
        $r = Invoke-Module "`$p = Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev -TargetType run -TargetId run-1004 $($script:Window) -CompareTo run:run-1003`n$Expr | Out-String -Width 300"
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $lines = @($r.Stdout -split "`r?`n")
        foreach ($e in $Expect) {
            @($lines | Where-Object { $_ -like $e }).Count | Should -BeGreaterThan 0 -Because "expected a line like '$e' in:`n$($r.Stdout)"
        }
    }
}

Describe 'Export-ChartlyProfileReport in a browser' {
    BeforeAll {
        $script:Chromium = Find-Tool @('chromium', 'chromium-browser', 'google-chrome')
        $script:Html = Join-Path $TestDrive 'report.html'
        $script:HtmlUri = [System.UriBuilder]::new('file', '', -1, $script:Html).Uri.AbsoluteUri
        $script:Export = Invoke-Module "Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev -TargetType run -TargetId run-1004 $($script:Window) -CompareTo run:run-1003 | Export-ChartlyProfileReport -Path '$($script:Html)' -ConfigPath '$($script:Config)' -PassThru | ForEach-Object FullName"

        # Headless, with no way to the network: every host name resolves to nothing and the
        # proxy is a closed port, so a page that tried to load anything would still render alone.
        function Invoke-Chromium([string[]]$Arguments) {
            $profileDir = Join-Path $TestDrive ('chromium-' + [guid]::NewGuid().ToString('N'))
            $base = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run', '--disable-extensions', "--user-data-dir=$profileDir",
                '--host-resolver-rules=MAP * ~NOTFOUND', '--proxy-server=127.0.0.1:9')
            Invoke-Process $script:Chromium ($base + $Arguments)
        }
    }

    It 'was written' {
        $script:Export.ExitCode | Should -Be 0 -Because $script:Export.Stderr
        $script:Export.Stdout.Trim() | Should -Be $script:Html
    }

    It 'loads in Chromium with every part' {
        if (-not $script:Chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (CI installs it)'; return }
        $r = Invoke-Chromium @('--dump-dom', $script:HtmlUri)
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $dom = $r.Stdout
        $dom | Should -Not -BeNullOrEmpty -Because $r.Stderr
        foreach ($id in 'report', 'header', 'summary', 'waterfall', 'waterfall-chart', 'breakdown', 'breakdown-table', 'comparison', 'deltas', 'signals', 'findings', 'data-quality') {
            $dom | Should -Match "id=`"$id`"" -Because "the page must have #$id"
        }
        $dom | Should -Match '<title>Chartly profile: run run-1004 \(dev\)</title>'

        # The waterfall has a row per span on run-1004's critical path, the breakdown a row per
        # component, the deltas a row per compared component.
        ([regex]::Matches($dom, '<g class="row"')).Count | Should -Be 10
        ([regex]::Matches($dom, '<tr data-component=')).Count | Should -BeGreaterThan 20
        $dom | Should -Match 'class="verdict-regressed"'
        $dom | Should -Not -Match 'waterfall-missing'
    }

    It 'renders to a picture in Chromium' {
        if (-not $script:Chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (CI installs it)'; return }
        $png = Join-Path $TestDrive 'report.png'
        $r = Invoke-Chromium @('--hide-scrollbars', '--window-size=1100,1600', "--screenshot=$png", $script:HtmlUri)
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $png | Should -Exist
        $bytes = [System.IO.File]::ReadAllBytes($png)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        $bytes.Length | Should -BeGreaterThan 20000 -Because 'a page with charts is not a blank picture'
    }

    It 'renders at 600 px wide: the narrow layout, the waterfall scrolls instead of shrinking' {
        if (-not $script:Chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (CI installs it)'; return }
        $png = Join-Path $TestDrive 'report-600.png'
        $r = Invoke-Chromium @('--hide-scrollbars', '--window-size=600,1600', "--screenshot=$png", $script:HtmlUri)
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $bytes = [System.IO.File]::ReadAllBytes($png)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        $bytes.Length | Should -BeGreaterThan 20000 -Because 'a page with charts is not a blank picture'
        $html = [System.IO.File]::ReadAllText($script:Html)
        $html | Should -Match '@media \(max-width: 700px\)'
        $html | Should -Match '#waterfall \{ overflow-x: auto; \} #waterfall-chart \{ min-width: 640px; \}'
    }

    It 'loads nothing: no script, no link, no address' {
        $html = [System.IO.File]::ReadAllText($script:Html)
        $html | Should -Match "<meta http-equiv=`"Content-Security-Policy`" content=`"default-src 'none'; style-src 'unsafe-inline'`">"
        foreach ($forbidden in '<script', 'http://', 'https://', 'src=', 'href=', 'url(', '@import', '<link', '<img', '<iframe') {
            $html.Contains($forbidden, [StringComparison]::OrdinalIgnoreCase) | Should -BeFalse -Because "the page must not contain '$forbidden'"
        }
    }

    It 'has the same bytes when written again, in another culture and time zone' {
        $again = Join-Path $TestDrive 'again.html'
        $r = Invoke-Module -Environment @{ LC_ALL = 'de_DE.UTF-8'; LANG = 'de_DE.UTF-8'; TZ = 'Asia/Kolkata' } "[cultureinfo]::CurrentCulture = 'de-DE'; Get-ChartlyProfile -ConfigPath '$($script:Config)' -Environment dev -TargetType run -TargetId run-1004 $($script:Window) -CompareTo run:run-1003 | Export-ChartlyProfileReport -Path '$again' -ConfigPath '$($script:Config)' | Out-Null"
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        (Get-FileHash -LiteralPath $again).Hash | Should -Be (Get-FileHash -LiteralPath $script:Html).Hash
    }
}

Describe 'tools/profiler/profiler.py' {
    BeforeAll {
        $script:Python = Find-Tool @('python3', 'python')
        $script:Args1004 = @('--config', $script:Config, '--env', 'dev', '--target-type', 'run', '--target-id', 'run-1004',
            '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z')
        function Invoke-Py([string[]]$Arguments, [hashtable]$Environment = @{}) {
            Invoke-Process $script:Python (@($script:Py) + $Arguments) (@{ CHARTLY_PROFILER_MODULE = $script:ModulePath } + $Environment)
        }
    }

    It 'prints what profiler.ps1 prints and exits as it does: <Case>' -ForEach @(
        @{ Case = 'json (exit 0)'; Extra = @(); Code = 0 }
        @{ Case = 'text with --flag=value (exit 0)'; Extra = @('--format=text', '--precision=s'); Code = 0 }
        @{ Case = 'a dry run (exit 0)'; Extra = @('--dry-run', '--format', 'yaml'); Code = 0 }
        @{ Case = 'an unknown flag (exit 2)'; Extra = @('--colour', 'red'); Code = 2 }
        @{ Case = 'a malformed timestamp (exit 2)'; Replace = @{ '--window-start' = '2026-11-24 10:00' }; Code = 2 }
        @{ Case = 'a target that is not there (exit 3)'; Replace = @{ '--target-id' = 'run-9999' }; Code = 3 }
        @{ Case = 'an ambiguous target (exit 3)'; Replace = @{ '--target-id' = 'run-dup-1' }; Code = 3 }
    ) {
        if (-not $script:Python) { Set-ItResult -Skipped -Because 'python3 is not installed (CI installs it)'; return }
        $a = [System.Collections.Generic.List[string]]::new([string[]]$script:Args1004)
        if ($Replace) { foreach ($k in $Replace.Keys) { $a[$a.IndexOf($k) + 1] = $Replace[$k] } }
        if ($Extra) { $a.AddRange([string[]]$Extra) }
        $ps1 = Invoke-Cli $a.ToArray()
        $py = Invoke-Py $a.ToArray()
        $ps1.ExitCode | Should -Be $Code -Because $ps1.Stderr
        $py.ExitCode | Should -Be $Code -Because $py.Stderr
        $py.Stdout | Should -BeExactly $ps1.Stdout
        $py.Stderr | Should -BeExactly $ps1.Stderr
    }

    It 'resolves relative paths against the caller''s directory' {
        if (-not $script:Python) { Set-ItResult -Skipped -Because 'python3 is not installed (CI installs it)'; return }
        $r = Invoke-Process $script:Python @($script:Py, '--config', 'chartly-profiler.yaml', '--env', 'dev', '--target-type', 'operation', '--target-id', 'op-7f3a',
            '--window-start', '2026-11-24T10:00:00Z', '--window-end', '2026-11-24T11:00:00Z') @{ CHARTLY_PROFILER_MODULE = $script:ModulePath } -WorkingDirectory (Join-Path $script:Repo 'samples')
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        ($r.Stdout | ConvertFrom-Json).header.target.id | Should -Be 'op-7f3a'
    }

    It 'exits 3 with a clear message when PowerShell cannot be found' {
        if (-not $script:Python) { Set-ItResult -Skipped -Because 'python3 is not installed (CI installs it)'; return }
        $r = Invoke-Py @('--help') @{ CHARTLY_PWSH = (Join-Path $TestDrive 'no-such-pwsh') }
        $r.ExitCode | Should -Be 3
        $r.Stdout | Should -BeNullOrEmpty
        $r.Stderr | Should -BeLike 'profiler: CHARTLY_PWSH names no file*'
    }
}

Describe 'The runbook of docs/runbook.md' {
    It 'profiles a list of targets, saves documents and reports, and fails on a regression' {
        # The script as the page shows it: the powershell block under "## The runbook".
        $page = Get-Content -LiteralPath (Join-Path $script:Repo 'docs/runbook.md') -Raw
        $m = [regex]::Match($page, '(?s)## The runbook.*?```powershell\n(.*?)\n```')
        $m.Success | Should -BeTrue
        $dir = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'runbook') -Force).FullName
        Set-Content -LiteralPath (Join-Path $dir 'Invoke-ChartlyProfileRunbook.ps1') -Value $m.Groups[1].Value -Encoding utf8
        Set-Content -LiteralPath (Join-Path $dir 'targets.csv') -Value @(
            'Environment,TargetType,TargetId,Baseline'
            'dev,run,run-1004,run:run-1003'
            'dev,workflow,wf-daily-report,'
            'dev,run,run-9999,')

        # Imported by name, as an installed module is: its folder's parent goes on PSModulePath.
        $cmd = Get-PwshPrefix
        $r = Invoke-Process $cmd[0] (@($cmd | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $dir 'Invoke-ChartlyProfileRunbook.ps1'),
                '-WindowEnd', '2026-11-24T11:00:00Z', '-ConfigPath', $script:Config)) @{
            PSModulePath = (Split-Path -Parent $script:ModulePath) + [IO.Path]::PathSeparator + $env:PSModulePath
        } -WorkingDirectory $dir

        $r.ExitCode | Should -Be 1 -Because 'one target regressed and one failed'
        $r.Stdout | Should -Match 'Window \[2026-11-24T10:00:00Z, 2026-11-24T11:00:00Z\)'
        $r.Stdout | Should -Match 'dev-run-run-1004 +7,507 ms  analytics_query_exec \(throttling\), regression regressed'
        $r.Stdout | Should -Match 'dev-workflow-wf-daily-report .* regression none'
        $r.Stdout | Should -Match 'FAILED +dev-run-run-9999: .*\(TargetNotFound\)'
        $r.Stdout | Should -Match 'REGRESSED dev-run-run-1004'
        $r.Stderr | Should -Match '1 target\(s\) regressed, 1 failed'
        $out = Join-Path $dir 'profiles/20261124-1100'
        @(Get-ChildItem -LiteralPath $out -File | ForEach-Object Name | Sort-Object) | Should -Be @(
            'dev-run-run-1004.html', 'dev-run-run-1004.json', 'dev-workflow-wf-daily-report.html', 'dev-workflow-wf-daily-report.json')
        (Get-Content -LiteralPath (Join-Path $out 'dev-run-run-1004.json') -Raw | ConvertFrom-Json).summary.regression | Should -Be 'regressed'
    }
}
