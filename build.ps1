#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the ChartlyProfiler PowerShell module.

.DESCRIPTION
    Tasks (run in the order given; Build runs at most once per invocation):

      Build    dotnet publish src/Chartly.Profiler.Cmdlets into a temporary folder, then lay
               out out/ChartlyProfiler/ (manifest, format file, en-US help, our two
               assemblies at the root, every other published assembly in Dependencies/),
               generate the help from docs/help (tools/help/New-MamlHelp.ps1) and run
               Test-ModuleManifest on it.
      Test     First the tools the tests need ($TestPrerequisites: prometheus/promtool, zsh,
               chromium, python3): missing ones are installed with apt-get when this user
               can (root, or sudo without a password); otherwise the task stops and lists
               what to install (-SkipPrerequisites runs anyway; those tests then count as
               skipped). Then Build, dotnet test tests/unit (trx), Pester
               tests/pester/*.Tests.ps1 in a child pwsh; prints each suite's passed, failed
               and skipped counts, the skipped total, then 'N passed, N failed' as the last
               line. Exits non-zero when anything failed or when no test ran.
      Demo     Build, then run tools/profiler/profiler.ps1 on the sample configuration in a
               child pwsh.
      Package  Build, then write the module's .nupkg to out/package/ (installable with
               Install-PSResource / Install-Module from a local file repository).
      Tool     dotnet pack src/Chartly.Tool into out/tool/ (the chartly-tool .NET tool;
               Build runs it too): dotnet tool install Chartly.Tool --add-source out/tool.
      Bench    Build, then tools/bench/Invoke-Bench.ps1 -Peer duckdb -UpdateDocs: generated
               windows (10 MB to 10 GB), whole-process and in-process figures beside their
               targets, DuckDB beside chartly-tool (npm install into .bench/duckdb), written
               into docs/performance.md (its bench block) and out/bench/results.md.
      Samples  dotnet run --project tools/TelemetryGen -- samples --out samples/telemetry, then
               canary --out samples/canary (the rollout of docs/regression.md)
      Clean    Remove out/ and every bin/ and obj/ folder under src/, tests/ and tools/.

    See docs/development.md.

.EXAMPLE
    dotnet tool restore; dotnet pwsh -NoProfile -File ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Tool', 'Bench', 'Samples', 'Clean')]
    [string[]]$Task = 'Build',

    [string]$Configuration = 'Release',

    # Test: run without installing or demanding the tools of $TestPrerequisites (the tests that
    # need a missing one are skipped, and counted as skipped).
    [switch]$SkipPrerequisites
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ProgressPreference = 'SilentlyContinue'

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleName = 'ChartlyProfiler'
$ModuleOut = Join-Path $OutDir $ModuleName
$ModuleSource = Join-Path $RepoRoot 'module'
$CmdletsProject = Join-Path $RepoRoot 'src/Chartly.Profiler.Cmdlets'
$UnitTestProject = Join-Path $RepoRoot 'tests/unit'
$PesterProject = Join-Path $RepoRoot 'tests/pester/Pester.csproj'
$PesterRunner = Join-Path $RepoRoot 'tests/pester/Invoke-Tests.ps1'
$TestResultsDir = Join-Path $OutDir 'test-results'
$PackageDir = Join-Path $OutDir 'package'

# Our own assemblies: they sit next to the manifest. Everything else the publish produces
# goes to Dependencies/ and is loaded by Chartly.Profiler.Cmdlets.Loading.DependencyLoader.
$RootAssemblies = @('Chartly.Profiler.Cmdlets', 'Chartly.Profiler')
# Provided by the PowerShell host; shipping a copy breaks the module.
$HostAssemblies = @('System.Management.Automation', 'Microsoft.PowerShell.CoreCLR.Eventing', 'Microsoft.Management.Infrastructure')

# ---------------------------------------------------------------------------------------
# The Demo command line: edit here.
$DemoScript = 'tools/profiler/profiler.ps1'
$DemoArguments = @(
    '--config', 'samples/chartly-profiler.yaml'
    '--env', 'dev'
    '--target-type', 'run'
    '--target-id', 'run-1004'
    '--window-start', '2026-11-24T10:00:00Z'
    '--window-end', '2026-11-24T11:00:00Z'
    '--format', 'text'
)
# ---------------------------------------------------------------------------------------
# What the tests need that is not in the repository: the command, the Debian package that
# provides it, and who needs it. Add a row when a test starts needing a tool; .ci/run relies
# on this table (it calls the Test task).
$TestPrerequisites = @(
    [pscustomobject]@{ Command = 'prometheus'; Package = 'prometheus'; NeededBy = 'the Prometheus source tests (a real server)' }
    [pscustomobject]@{ Command = 'promtool'; Package = 'prometheus'; NeededBy = 'the Prometheus source tests (backfill)' }
    [pscustomobject]@{ Command = 'chromium'; Package = 'chromium'; NeededBy = 'the HTML report screenshot test' }
    [pscustomobject]@{ Command = 'python3'; Package = 'python3'; NeededBy = 'the tools/profiler/profiler.py tests' }
    [pscustomobject]@{ Command = 'zsh'; Package = 'zsh'; NeededBy = "chartly-tool's zsh completion test" }
)
# ---------------------------------------------------------------------------------------

function Write-Step([string]$Message) {
    Write-Host "==> $Message"
}

# Runs a native command; throws when it exits non-zero.
function Invoke-Native {
    param(
        [Parameter(Mandatory)][string]$FilePath,
        [string[]]$ArgumentList = @()
    )
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# The command that starts a child pwsh of the same version as this one. Under
# `dotnet pwsh` (local tool) the process is dotnet running $PSHOME/pwsh.dll.
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return , @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return , @($process)
}

# Runs a child pwsh with the given arguments; its output goes to the host. Returns its
# exit code (does not throw).
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)][string[]]$ArgumentList)
    $command = Get-PwshCommand
    $exe = $command[0]
    $prefix = @($command | Select-Object -Skip 1)
    & $exe @prefix -NoProfile -NonInteractive @ArgumentList | Out-Host
    return $LASTEXITCODE
}

function Get-NuGetGlobalPackagesFolder {
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals global-packages --list failed.' }
    $text = ($line | Out-String).Trim()
    if ($text -notmatch 'global-packages:\s*(.+)$') { throw "Unexpected output from dotnet nuget locals: $text" }
    return $Matches[1].Trim()
}

$script:Built = $false

function Invoke-Build {
    if ($script:Built) { return }

    $publishDir = Join-Path ([IO.Path]::GetTempPath()) ("chartly-publish-" + [guid]::NewGuid().ToString('N'))
    try {
        Write-Step "dotnet publish src/Chartly.Profiler.Cmdlets -c $Configuration"
        Invoke-Native dotnet @('publish', $CmdletsProject, '-c', $Configuration, '-o', $publishDir, '-v', 'q', '-nologo')

        Write-Step "Laying out $([IO.Path]::GetRelativePath($RepoRoot, $ModuleOut))"
        if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
        $dependencyDir = Join-Path $ModuleOut 'Dependencies'
        $null = New-Item -ItemType Directory -Path $dependencyDir -Force

        # Manifest, format/type files, help.
        Copy-Item (Join-Path $ModuleSource "$ModuleName.psd1") $ModuleOut
        Get-ChildItem $ModuleSource -Filter '*.ps1xml' -File | Copy-Item -Destination $ModuleOut
        $help = Join-Path $ModuleSource 'en-US'
        if (Test-Path $help) { Copy-Item $help -Destination $ModuleOut -Recurse }

        foreach ($name in $RootAssemblies) {
            $dll = Join-Path $publishDir "$name.dll"
            if (-not (Test-Path $dll)) { throw "The publish did not produce $name.dll." }
            Copy-Item $dll $ModuleOut
            $pdb = Join-Path $publishDir "$name.pdb"
            if (Test-Path $pdb) { Copy-Item $pdb $ModuleOut }
        }

        $dependencies = Get-ChildItem $publishDir -Filter '*.dll' -File |
            Where-Object { $_.BaseName -notin $RootAssemblies -and $_.BaseName -notin $HostAssemblies }
        foreach ($dll in $dependencies) { Copy-Item $dll.FullName $dependencyDir }
        if (Test-Path (Join-Path $publishDir 'runtimes')) {
            Write-Warning 'The publish produced runtimes/ (RID-specific assets); the dependency loader only loads Dependencies/<name>.dll. Check that nothing needs them.'
        }

        # Help: MAML and about_ topics from docs/help/*.md, in a child pwsh (it imports the
        # module to read the cmdlets' parameters; this process never loads the DLLs).
        Write-Step 'Help: tools/help/New-MamlHelp.ps1 (docs/help -> en-US)'
        $helpCode = Invoke-ChildPwsh @('-File', (Join-Path $RepoRoot 'tools/help/New-MamlHelp.ps1'), '-ModulePath', $ModuleOut,
            '-SourcePath', (Join-Path $RepoRoot 'docs/help'), '-OutputPath', (Join-Path $ModuleOut 'en-US'))
        if ($helpCode -ne 0) { throw "Help generation failed (exit code $helpCode): see the problems listed above." }

        Write-Step 'Test-ModuleManifest'
        $manifest = Test-ModuleManifest -Path (Join-Path $ModuleOut "$ModuleName.psd1")
        Write-Host ("    {0} {1}: {2} cmdlet(s), {3} assembl(ies) in Dependencies/" -f $manifest.Name, $manifest.Version, @($manifest.ExportedCmdlets.Keys).Count, @($dependencies).Count)
    }
    finally {
        if (Test-Path $publishDir) { Remove-Item $publishDir -Recurse -Force -ErrorAction SilentlyContinue }
    }
    Invoke-Tool
    $script:Built = $true
}

# The chartly-tool .NET tool (src/Chartly.Tool) as a nupkg in out/tool/, for
# `dotnet tool install Chartly.Tool --add-source out/tool` (docs/cli.md).
$script:ToolPacked = $false
function Invoke-Tool {
    if ($script:ToolPacked) { return }
    $toolDir = Join-Path $OutDir 'tool'
    Write-Step "dotnet pack src/Chartly.Tool -c $Configuration -> out/tool"
    if (Test-Path $toolDir) { Remove-Item $toolDir -Recurse -Force }
    Invoke-Native dotnet @('pack', (Join-Path $RepoRoot 'src/Chartly.Tool'), '-c', $Configuration, '-o', $toolDir, '-v', 'q', '-nologo')
    $script:ToolPacked = $true
}

# Reads a VSTest .trx file: passed, failed, skipped, counted from each test's own outcome.
# The summary counters are not used: xunit's skipped tests (outcome NotExecuted) appear in
# none of them, so a run with skips reported '0 skipped'.
function Read-TrxCounts([string]$Path) {
    [xml]$trx = Get-Content -LiteralPath $Path -Raw
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $outcomes = @((Select-Xml -Xml $trx -XPath '//t:Results//t:UnitTestResult' -Namespace $ns) | ForEach-Object { $_.Node.GetAttribute('outcome') })
    $counts = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($o in $outcomes) {
        switch ($o) {
            'Passed' { $counts.Passed++ }
            { $_ -in 'NotExecuted', 'Inconclusive', 'Skipped' } { $counts.Skipped++ }
            default { $counts.Failed++ } # Failed, Error, Timeout, Aborted, ... never passes silently
        }
    }
    $counts
}

# The tools of $TestPrerequisites: present, installed now with apt-get, or a clear stop.
function Assert-TestPrerequisites {
    $missing = @($TestPrerequisites | Where-Object { -not (Get-Command $_.Command -CommandType Application -ErrorAction SilentlyContinue) })
    if ($missing.Count -eq 0) { return }
    $packages = @($missing.Package | Sort-Object -Unique)
    $list = ($missing | ForEach-Object { "    $($_.Command) (Debian package $($_.Package)): $($_.NeededBy)" }) -join [Environment]::NewLine
    if ($SkipPrerequisites) {
        Write-Warning "Missing, and -SkipPrerequisites given: the tests that need them are skipped.`n$list"
        return
    }

    $aptGet = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue
    $isRoot = $false
    $canSudo = $false
    if ($aptGet) {
        $id = Get-Command id -CommandType Application -ErrorAction SilentlyContinue
        $isRoot = $null -ne $id -and ((& $id.Source -u) -eq '0')
        $sudo = if ($isRoot) { $null } else { Get-Command sudo -CommandType Application -ErrorAction SilentlyContinue }
        if ($sudo) { & $sudo.Source -n true 2>$null; $canSudo = $LASTEXITCODE -eq 0 }
    }
    if ($aptGet -and ($isRoot -or $canSudo)) {
        Write-Step "Installing the tests' prerequisites with apt-get: $($packages -join ' ')"
        $prefix = if ($isRoot) { @() } else { @($sudo.Source) }
        $apt = @('env', 'DEBIAN_FRONTEND=noninteractive', $aptGet.Source)
        $run = { param([string[]]$a) $all = $prefix + $apt + $a; & $all[0] @($all | Select-Object -Skip 1) | Out-Host; if ($LASTEXITCODE -ne 0) { throw "apt-get $($a -join ' ') failed with exit code $LASTEXITCODE." } }
        & $run @('update', '-qq')
        & $run (@('install', '-y', '-qq', '--no-install-recommends') + $packages)
        $still = @($missing | Where-Object { -not (Get-Command $_.Command -CommandType Application -ErrorAction SilentlyContinue) })
        if ($still.Count -eq 0) { return }
        $missing = $still
        $list = ($missing | ForEach-Object { "    $($_.Command) (Debian package $($_.Package)): $($_.NeededBy)" }) -join [Environment]::NewLine
    }

    throw ("The tests need tools that are not installed, and this user cannot install them (apt-get as root or with sudo -n):`n$list`n" +
        "Install them (Debian/Ubuntu: sudo apt-get install -y $($packages -join ' ')), or run './build.ps1 Test -SkipPrerequisites' to skip the tests that need them.")
}

function Invoke-Test {
    Assert-TestPrerequisites
    Invoke-Build

    if (Test-Path $TestResultsDir) { Remove-Item $TestResultsDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $TestResultsDir -Force
    $problems = [System.Collections.Generic.List[string]]::new()

    # xunit -----------------------------------------------------------------------------
    Write-Step "dotnet test tests/unit -c $Configuration"
    $trxName = 'unit.trx'
    & dotnet test $UnitTestProject -c $Configuration -v q -nologo --logger "trx;LogFileName=$trxName" --results-directory $TestResultsDir | Out-Host
    $unitExit = $LASTEXITCODE
    $trx = Join-Path $TestResultsDir $trxName
    if (Test-Path $trx) {
        $unit = Read-TrxCounts $trx
        if ($unitExit -ne 0 -and $unit.Failed -eq 0) {
            $problems.Add("dotnet test exited with $unitExit although the trx reports no failure.")
        }
    }
    else {
        $unit = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
        $problems.Add("dotnet test exited with $unitExit and wrote no trx (build error?).")
    }

    # Pester ----------------------------------------------------------------------------
    Write-Step 'Restoring Pester (tests/pester/Pester.csproj)'
    [xml]$pesterProj = Get-Content -LiteralPath $PesterProject -Raw
    $download = $pesterProj.SelectSingleNode("//PackageDownload[@Include='Pester']")
    if ($null -eq $download) { throw "No <PackageDownload Include='Pester'> in $PesterProject." }
    $pesterVersion = $download.GetAttribute('Version').Trim('[', ']', ' ')
    Invoke-Native dotnet @('restore', $PesterProject, '-v', 'q', '-nologo')
    $nugetPackages = Get-NuGetGlobalPackagesFolder
    $pesterPsd1 = Join-Path $nugetPackages "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $pesterPsd1)) { throw "Pester $pesterVersion not found at $pesterPsd1." }

    Write-Step "Pester $pesterVersion tests/pester/*.Tests.ps1 (child pwsh)"
    $pesterJson = Join-Path $TestResultsDir 'pester.json'
    $env:CHARTLY_PROFILER_MODULE = $ModuleOut
    $env:CHARTLY_TEST_NUGET_PACKAGES = $nugetPackages
    $runnerArgs = @('-File', $PesterRunner, '-PesterPath', $pesterPsd1, '-ResultPath', $pesterJson,
        '-NUnitPath', (Join-Path $TestResultsDir 'pester.xml'))
    # Colours only when a person watches: not in CI, not into a file or pipe.
    if ($env:CI -or $env:NO_COLOR -or [Console]::IsOutputRedirected) { $runnerArgs += '-Plain' }
    $pesterExit = Invoke-ChildPwsh $runnerArgs
    if (Test-Path $pesterJson) {
        $p = Get-Content -LiteralPath $pesterJson -Raw | ConvertFrom-Json
        $pester = [pscustomobject]@{ Passed = [int]$p.passed; Failed = [int]$p.failed; Skipped = [int]$p.skipped }
        if ($pesterExit -ne 0 -and $pester.Failed -eq 0) {
            $problems.Add("The Pester child exited with $pesterExit although it reports no failure.")
        }
    }
    else {
        $pester = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
        $problems.Add("The Pester child exited with $pesterExit and wrote no result file.")
    }

    # Totals ----------------------------------------------------------------------------
    $passed = $unit.Passed + $pester.Passed
    $failed = $unit.Failed + $pester.Failed
    $skipped = $unit.Skipped + $pester.Skipped
    foreach ($problem in $problems) { Write-Host "ERROR: $problem" }
    if ($passed + $failed -eq 0) { Write-Host 'ERROR: no test ran.' }
    Write-Host ''
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped" -f $unit.Passed, $unit.Failed, $unit.Skipped)
    Write-Host ("pester: {0} passed, {1} failed, {2} skipped" -f $pester.Passed, $pester.Failed, $pester.Skipped)
    # The contract's last line stays 'N passed, N failed'; the skips, counted as they were, come just before.
    Write-Host ("{0} skipped" -f $skipped)
    Write-Host ("{0} passed, {1} failed" -f $passed, $failed)

    if ($failed -gt 0 -or $problems.Count -gt 0 -or ($passed + $failed) -eq 0) {
        $script:ExitCode = 1
    }
}

function Invoke-Demo {
    Invoke-Build
    Write-Step "$DemoScript $($DemoArguments -join ' ')"
    $env:CHARTLY_PROFILER_MODULE = $ModuleOut
    Push-Location $RepoRoot
    try {
        $code = Invoke-ChildPwsh (@('-File', (Join-Path $RepoRoot $DemoScript)) + $DemoArguments)
    }
    finally {
        Pop-Location
    }
    if ($code -ne 0) { throw "The demo exited with code $code." }
}

function Invoke-Package {
    Invoke-Build
    Write-Step "Packaging $ModuleName into $([IO.Path]::GetRelativePath($RepoRoot, $PackageDir))"
    if (Test-Path $PackageDir) { Remove-Item $PackageDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $PackageDir -Force

    # Publish-PSResource to a throwaway file repository, in a child pwsh. On Linux/macOS
    # the child also gets its own XDG_DATA_HOME, so PSResourceGet's repository store of
    # the user (~/.local/share/PSResourceGet) is never read or written; on Windows the
    # repository has a unique name and is unregistered in `finally`.
    $work = Join-Path ([IO.Path]::GetTempPath()) ("chartly-package-" + [guid]::NewGuid().ToString('N'))
    $repoDir = Join-Path $work 'repo'
    $null = New-Item -ItemType Directory -Path $repoDir -Force
    $childScript = Join-Path $work 'publish.ps1'
    Set-Content -LiteralPath $childScript -Encoding utf8 -Value @'
param([string]$ModulePath, [string]$RepoDir)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module Microsoft.PowerShell.PSResourceGet
$name = 'ChartlyProfilerBuild' + [guid]::NewGuid().ToString('N')
Register-PSResourceRepository -Name $name -Uri $RepoDir -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $name
    $found = Find-PSResource -Name ChartlyProfiler -Repository $name
    Write-Host "    published $($found.Name) $($found.Version)"
}
finally {
    Unregister-PSResourceRepository -Name $name
}
'@
    $savedXdg = $env:XDG_DATA_HOME
    try {
        if (-not $IsWindows) {
            # Must exist: .NET answers GetFolderPath(LocalApplicationData) with '' for a
            # missing folder, and PSResourceGet would then write ./PSResourceGet/.
            $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $work 'xdg') -Force).FullName
        }
        $code = Invoke-ChildPwsh @('-File', $childScript, '-ModulePath', $ModuleOut, '-RepoDir', $repoDir)
        if ($code -ne 0) { throw "Publish-PSResource failed (exit code $code)." }
        $nupkg = @(Get-ChildItem $repoDir -Filter '*.nupkg' -File)
        if ($nupkg.Count -ne 1) { throw "Expected one .nupkg in the temporary repository, found $($nupkg.Count)." }
        Copy-Item $nupkg[0].FullName $PackageDir
        Write-Host "    $([IO.Path]::GetRelativePath($RepoRoot, (Join-Path $PackageDir $nupkg[0].Name)))"
    }
    finally {
        $env:XDG_DATA_HOME = $savedXdg
        Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-Bench {
    Invoke-Build
    Write-Step 'Benchmarks (tools/bench/Invoke-Bench.ps1; figures in docs/performance.md)'
    $code = Invoke-ChildPwsh @('-File', (Join-Path $RepoRoot 'tools/bench/Invoke-Bench.ps1'), '-ModulePath', $ModuleOut, '-Peer', 'duckdb', '-UpdateDocs')
    if ($code -ne 0) { throw "The benchmarks failed with exit code $code." }
}

function Invoke-Samples {
    Write-Step 'dotnet run --project tools/TelemetryGen -- samples --out samples/telemetry'
    Push-Location $RepoRoot
    try {
        Invoke-Native dotnet @('run', '--project', (Join-Path $RepoRoot 'tools/TelemetryGen'), '-c', $Configuration, '-v', 'q', '--',
            'samples', '--out', 'samples/telemetry')
        Invoke-Native dotnet @('run', '--project', (Join-Path $RepoRoot 'tools/TelemetryGen'), '-c', $Configuration, '-v', 'q', '--no-build', '--',
            'canary', '--out', 'samples/canary')
    }
    finally {
        Pop-Location
    }
}

function Invoke-Clean {
    Write-Step 'Removing out/ and bin/, obj/'
    if (Test-Path $OutDir) { Remove-Item $OutDir -Recurse -Force }
    foreach ($top in 'src', 'tests', 'tools') {
        $dir = Join-Path $RepoRoot $top
        if (-not (Test-Path $dir)) { continue }
        Get-ChildItem $dir -Directory -Recurse -Include 'bin', 'obj' |
            Where-Object { $_.FullName -notmatch '[\\/]node_modules[\\/]' -and (Test-Path $_.FullName) } |
            Sort-Object { $_.FullName.Length } |
            ForEach-Object { if (Test-Path $_.FullName) { Remove-Item $_.FullName -Recurse -Force } }
    }
}

$script:ExitCode = 0
Push-Location $RepoRoot
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Build' { Invoke-Build }
            'Test' { Invoke-Test }
            'Demo' { Invoke-Demo }
            'Package' { Invoke-Package }
            'Tool' { Invoke-Tool }
            'Bench' { Invoke-Bench }
            'Samples' { Invoke-Samples }
            'Clean' { Invoke-Clean; $script:Built = $false; $script:ToolPacked = $false }
        }
    }
}
finally {
    Pop-Location
}
exit $script:ExitCode
