#Requires -Version 7.0
# Every PowerShell example of README.md, docs/*.md and docs/help/*.md, run as written from the
# repository root (issue 13): the ```powershell blocks exactly as the pages show them, each in a
# fresh runspace of one child pwsh, with CHARTLY_PROFILER_CONFIG removed, so the configuration is
# found the way a user's would be (-ConfigPath as written, or ./chartly-profiler.yaml).
#
# The root is a copy of the repository's root as far as examples see it: chartly-profiler.yaml,
# and links to samples/, tools/ and out/ (so what examples write stays out of the worktree). A
# block the page marks with '<!-- example: not run: <why> -->' on the line before it is left
# out, and the reason must say why (a template with placeholders, a script tested elsewhere).

BeforeDiscovery {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $pages = @(Get-Item -LiteralPath (Join-Path $repo 'README.md')) +
        @(Get-ChildItem -LiteralPath (Join-Path $repo 'docs') -Filter '*.md' -File) +
        @(Get-ChildItem -LiteralPath (Join-Path $repo 'docs/help') -Filter '*.md' -File)
    $script:ExampleCases = @()
    $script:NotRun = @()
    foreach ($page in $pages | Sort-Object FullName) {
        $relative = [IO.Path]::GetRelativePath($repo, $page.FullName).Replace('\', '/')
        $lines = @(Get-Content -LiteralPath $page.FullName)
        $i = 0
        $n = 0
        while ($i -lt $lines.Count) {
            if ($lines[$i] -match '^```powershell\s*$') {
                $start = $i
                $code = [System.Collections.Generic.List[string]]::new()
                $i++
                while ($i -lt $lines.Count -and $lines[$i] -notmatch '^```\s*$') { $code.Add($lines[$i]); $i++ }
                $n++
                $marker = if ($start -gt 0) { $lines[$start - 1] } else { '' }
                $case = @{ Page = $relative; Index = $n; Line = $start + 1; Code = ($code -join "`n"); Marker = $marker }
                if ($marker -match '^<!-- example: not run') { $script:NotRun += $case } else { $script:ExampleCases += $case }
            }
            $i++
        }
    }
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }
    $script:Manifest = Join-Path $script:ModulePath 'ChartlyProfiler.psd1'

    # A folder per example, laid out as the repository root.
    function New-RootCopy([string]$Name) {
        $root = (New-Item -ItemType Directory -Path (Join-Path $TestDrive $Name) -Force).FullName
        Copy-Item -LiteralPath (Join-Path $script:Repo 'chartly-profiler.yaml') -Destination $root
        foreach ($d in 'samples', 'tools') { $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root $d) -Target (Join-Path $script:Repo $d) }
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'out') -Target (Split-Path -Parent $script:ModulePath)
        $root
    }

    $jobs = @()
    foreach ($case in $ExampleCases) {
        $jobs += [ordered]@{ Key = "$($case.Page)#$($case.Index)"; Root = (New-RootCopy ("ex-{0:D3}" -f $jobs.Count)); Code = $case.Code }
    }
    $jobFile = Join-Path $TestDrive 'examples.json'
    $resultFile = Join-Path $TestDrive 'results.json'
    $jobs | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $jobFile -Encoding utf8
    $child = Join-Path $TestDrive 'run-examples.ps1'
    Set-Content -LiteralPath $child -Encoding utf8 -Value @'
$ErrorActionPreference = 'Stop'
$manifest, $jobFile, $resultFile = $args
$results = [ordered]@{}
foreach ($job in @(Get-Content -LiteralPath $jobFile -Raw | ConvertFrom-Json)) {
    $iss = [initialsessionstate]::CreateDefault2()
    # Through the root's out/ link: the README's 'Import-Module ./out/ChartlyProfiler' is then the
    # module already loaded, as in a user's session, not a second copy from another folder.
    $iss.ImportPSModule([string[]]@((Join-Path $job.Root 'out/ChartlyProfiler/ChartlyProfiler.psd1')))
    $rs = [runspacefactory]::CreateRunspace($iss)
    $rs.Open()
    $ps = [powershell]::Create()
    $ps.Runspace = $rs
    # Formatted as an 120-column console shows it, so a broken view fails the example too.
    $null = $ps.AddScript("Set-Location -LiteralPath '$($job.Root.Replace("'", "''"))'`n& {`n$($job.Code)`n} | Out-String -Width 120")
    $terminating = ''
    $out = @()
    try { $out = $ps.Invoke() } catch { $terminating = "$($_.Exception.GetType().Name): $($_.Exception.Message)" }
    $results[$job.Key] = [ordered]@{
        Output      = (@($out) -join '')
        Errors      = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
        Warnings    = @($ps.Streams.Warning | ForEach-Object { "$_" })
        Terminating = $terminating
    }
    $ps.Dispose(); $rs.Dispose()
}
$results | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $resultFile -Encoding utf8
'@
    $process = [Environment]::ProcessPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new($process)
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-File', $child, $script:Manifest, $jobFile, $resultFile) { $psi.ArgumentList.Add($a) }
    [void]$psi.Environment.Remove('CHARTLY_PROFILER_CONFIG')
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [System.Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    $script:ChildOutput = $p.StandardOutput.ReadToEnd()
    if (-not $p.WaitForExit(600000)) { $p.Kill($true); throw 'The examples did not finish in 10 minutes.' }
    $script:ChildOutput += $err.Result
    $script:ChildExit = $p.ExitCode
    $script:Results = if (Test-Path -LiteralPath $resultFile) { Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json -AsHashtable } else { @{} }
}

Describe 'The examples of README.md and docs/' {
    It 'were found (README quick start included) and run in a child pwsh' {
        $ExampleCases.Count | Should -BeGreaterThan 25
        @($ExampleCases | Where-Object Page -EQ 'README.md').Count | Should -Be 1
        $script:ChildExit | Should -Be 0 -Because $script:ChildOutput
    }

    It '<Page> example <Index> (line <Line>) runs as written from the repository root' -ForEach $ExampleCases {
        $r = $script:Results["$Page#$Index"]
        $r | Should -Not -BeNullOrEmpty
        $r.Terminating | Should -BeNullOrEmpty
        @($r.Errors) | Should -BeNullOrEmpty
        @($r.Warnings) | Should -BeNullOrEmpty
    }

    It 'leaves out only examples that say why: <Page> example <Index>' -ForEach $NotRun {
        $Marker | Should -Match '^<!-- example: not run: \S.{10,} -->$'
    }
}
