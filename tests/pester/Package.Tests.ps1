#Requires -Version 7.0
# The module as a package a user installs: published to a temporary local file repository
# (PSResourceGet, as build.ps1 Package does), installed from it with Save-PSResource into a
# temporary module folder, then imported by name and used in a fresh pwsh. Every child gets its
# own XDG_DATA_HOME, so the user's PSResourceGet repositories are never read or written, and
# nothing is installed into the user's module folders; a test checks both.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }
    $script:Version = (Import-PowerShellDataFile -LiteralPath (Join-Path $script:ModulePath 'ChartlyProfiler.psd1')).ModuleVersion
    $script:Config = Join-Path $script:Repo 'samples/chartly-profiler.yaml'

    $script:Work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'package') -Force).FullName
    $script:FeedDir = (New-Item -ItemType Directory -Path (Join-Path $script:Work 'feed') -Force).FullName
    $script:Xdg = (New-Item -ItemType Directory -Path (Join-Path $script:Work 'xdg') -Force).FullName
    $script:SaveDir = (New-Item -ItemType Directory -Path (Join-Path $script:Work 'saved') -Force).FullName

    # The user's own PSResourceGet store and module folders, to prove they are left alone.
    $userData = if ($env:XDG_DATA_HOME) { $env:XDG_DATA_HOME } else { Join-Path $HOME '.local/share' }
    $script:UserPlaces = @(
        (Join-Path $userData 'PSResourceGet')
        (Join-Path $userData 'powershell/Modules/ChartlyProfiler')
        (Join-Path $HOME '.local/share/powershell/Modules/ChartlyProfiler')
        ($env:PSModulePath -split [IO.Path]::PathSeparator | Where-Object { $_ } | ForEach-Object { Join-Path $_ 'ChartlyProfiler' })
    ) | Select-Object -Unique
    function Get-StoreState {
        @(foreach ($place in $script:UserPlaces) {
                if (-not (Test-Path -LiteralPath $place)) { "$place absent"; continue }
                Get-ChildItem -LiteralPath $place -Recurse -File | Sort-Object FullName | ForEach-Object { '{0} {1}' -f $_.FullName, (Get-FileHash -LiteralPath $_.FullName).Hash }
            }) -join "`n"
    }
    $script:StoreBefore = Get-StoreState

    # A fresh pwsh with its own XDG_DATA_HOME (where CurrentUser modules and the repository
    # store live on Linux and macOS) and no inherited PSModulePath.
    function Invoke-Isolated([string]$Script, [string[]]$Arguments = @()) {
        $file = Join-Path $script:Work ('child-' + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Encoding utf8 -Value $Script
        $process = [Environment]::ProcessPath
        $psi = [System.Diagnostics.ProcessStartInfo]::new($process)
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in @('-NoProfile', '-NonInteractive', '-File', $file) + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.Environment['XDG_DATA_HOME'] = $script:Xdg
        [void]$psi.Environment.Remove('PSModulePath')
        [void]$psi.Environment.Remove('CHARTLY_PROFILER_MODULE')
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.WorkingDirectory = $script:Work
        $p = [System.Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw 'The child pwsh did not finish in 5 minutes.' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $out; Stderr = $err.Result }
    }

    # Publish and install, as a user with a local file repository would.
    $script:Install = Invoke-Isolated -Arguments @($script:ModulePath, $script:FeedDir, $script:SaveDir) -Script @'
param([string]$ModulePath, [string]$FeedDir, [string]$SaveDir)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module Microsoft.PowerShell.PSResourceGet
$name = 'ChartlyProfilerTest' + [guid]::NewGuid().ToString('N')
Register-PSResourceRepository -Name $name -Uri $FeedDir -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $name
    $found = Find-PSResource -Name ChartlyProfiler -Repository $name
    # Into the temporary folder: Install-PSResource -Scope CurrentUser would write to the user's
    # own module folder (on Linux it does not follow XDG_DATA_HOME), which a test must not touch.
    Save-PSResource -Name ChartlyProfiler -Repository $name -Path $SaveDir -TrustRepository
    $installed = @(Get-ChildItem -LiteralPath $SaveDir -Filter ChartlyProfiler.psd1 -Recurse -File | ForEach-Object DirectoryName)
    [ordered]@{
        Found     = "$($found.Name) $($found.Version)"
        Installed = $installed
    } | ConvertTo-Json -Compress
}
finally {
    Unregister-PSResourceRepository -Name $name
}
'@

    # Import by name only, in another fresh pwsh, and use it.
    $script:Use = Invoke-Isolated -Arguments @($script:Config, $script:SaveDir, (Join-Path $script:Work 'report.html')) -Script @'
param([string]$Config, [string]$SaveDir, [string]$Report)
$ErrorActionPreference = 'Stop'
# A module folder of one's own, as a user adds one to PSModulePath.
$env:PSModulePath = $SaveDir + [IO.Path]::PathSeparator + $env:PSModulePath
$available = @(Get-Module -ListAvailable -Name ChartlyProfiler)
Import-Module ChartlyProfiler
$m = Get-Module ChartlyProfiler
$p = Get-ChartlyProfile -ConfigPath $Config -Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z
$file = $p | Export-ChartlyProfileReport -Path $Report -ConfigPath $Config -PassThru
[ordered]@{
    Available  = $available.Count
    ModuleBase = $m.ModuleBase
    Version    = $m.Version.ToString()
    Commands   = @(Get-Command -Module ChartlyProfiler | ForEach-Object Name | Sort-Object)
    Total      = $p.Summary.TotalDurationMs
    Synopsis   = (Get-Help Get-ChartlyProfile).Synopsis
    About      = [bool](Get-Help about_ChartlyProfiler | Out-String).Contains('TOPIC')
    Report     = $file.Length
} | ConvertTo-Json -Compress
'@
}

Describe 'The module package' {
    It 'is published to a local file repository and installed from it' {
        $script:Install.ExitCode | Should -Be 0 -Because $script:Install.Stderr
        $r = $script:Install.Stdout | ConvertFrom-Json
        $r.Found | Should -Be "ChartlyProfiler $($script:Version)"
        @($r.Installed).Count | Should -Be 1
        $r.Installed[0] | Should -Be (Join-Path $script:SaveDir "ChartlyProfiler/$($script:Version)")
    }

    It 'carries the manifest''s metadata and the whole module, help included' {
        $nupkg = @(Get-ChildItem -LiteralPath $script:FeedDir -Filter '*.nupkg' -File)
        $nupkg.Count | Should -Be 1
        $nupkg[0].Name | Should -Be "ChartlyProfiler.$($script:Version).nupkg"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg[0].FullName)
        try {
            $entries = @($zip.Entries | ForEach-Object FullName)
            foreach ($f in 'ChartlyProfiler.psd1', 'ChartlyProfiler.format.ps1xml', 'Chartly.Profiler.Cmdlets.dll', 'Chartly.Profiler.dll',
                'en-US/Chartly.Profiler.Cmdlets.dll-Help.xml', 'en-US/about_ChartlyProfiler.help.txt', 'Dependencies/YamlDotNet.dll') {
                $entries | Should -Contain $f
            }
            $nuspecEntry = $zip.Entries | Where-Object FullName -eq 'ChartlyProfiler.nuspec'
            $reader = [System.IO.StreamReader]::new($nuspecEntry.Open())
            [xml]$nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'ChartlyProfiler'
        $meta.version | Should -Be $script:Version
        $meta.authors | Should -Be 'Chartly'
        $meta.description | Should -BeLike 'Chartly Profiler:*'
        $meta.tags -split ' ' | Should -Contain 'PSModule'
        $meta.tags -split ' ' | Should -Contain 'OpenTelemetry'
        $meta.projectUrl | Should -Not -BeNullOrEmpty
    }

    It 'imports by name in a fresh pwsh, from where it was installed' {
        $script:Use.ExitCode | Should -Be 0 -Because $script:Use.Stderr
        $u = $script:Use.Stdout | ConvertFrom-Json
        $u.Available | Should -Be 1
        $u.ModuleBase | Should -Be (Join-Path $script:SaveDir "ChartlyProfiler/$($script:Version)")
        $u.Version | Should -Be $script:Version
        @($u.Commands) | Should -Be @((Import-PowerShellDataFile -LiteralPath (Join-Path $script:ModulePath 'ChartlyProfiler.psd1')).CmdletsToExport | Sort-Object)
    }

    It 'profiles, draws and shows its help once installed' {
        $u = $script:Use.Stdout | ConvertFrom-Json
        $u.Total | Should -Be 7507
        $u.Report | Should -BeGreaterThan 10000
        $u.Synopsis | Should -BeLike 'Profiles one explicit target*'
        $u.About | Should -BeTrue
    }

    It 'left the user''s PSResourceGet repositories and module folders alone' {
        Get-StoreState | Should -Be $script:StoreBefore
        Join-Path $script:Xdg 'PSResourceGet' | Should -Exist -Because 'the children kept their repository store in their own XDG_DATA_HOME'
    }
}
