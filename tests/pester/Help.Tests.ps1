#Requires -Version 7.0
# The module's help, as a user reads it: Get-Help -Full of every cmdlet shows a synopsis, a
# description, every parameter and at least three examples (built from docs/help/*.md by
# tools/help/New-MamlHelp.ps1 during build.ps1 Build); about_ChartlyProfiler exists; and every
# example of every page runs against the sample telemetry without an error or a warning.
# The module is imported only in child processes.

BeforeDiscovery {
    # The examples are read from the built MAML, i.e. exactly what Get-Help shows.
    $script:ExampleCases = @()
    $modulePath = $env:CHARTLY_PROFILER_MODULE
    $maml = if ($modulePath) { Join-Path $modulePath 'en-US/Chartly.Profiler.Cmdlets.dll-Help.xml' }
    if ($maml -and (Test-Path -LiteralPath $maml)) {
        [xml]$doc = Get-Content -LiteralPath $maml -Raw
        $ns = [System.Xml.XmlNamespaceManager]::new($doc.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
        foreach ($command in $doc.SelectNodes('//command:command', $ns)) {
            $name = $command.SelectSingleNode('command:details/command:name', $ns).InnerText
            $i = 0
            foreach ($example in $command.SelectNodes('command:examples/command:example', $ns)) {
                $i++
                $script:ExampleCases += @{
                    Command = $name
                    Index   = $i
                    Title   = ($example.SelectSingleNode('maml:title', $ns).InnerText -replace '^-+\s*|\s*-+$', '')
                    Code    = $example.SelectSingleNode('dev:code', $ns).InnerText
                }
            }
        }
    }
    $manifest = if ($modulePath) { Join-Path $modulePath 'ChartlyProfiler.psd1' }
    $script:CmdletCases = if ($manifest -and (Test-Path -LiteralPath $manifest)) {
        @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    }
    else { @() }
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }
    $script:Manifest = Join-Path $script:ModulePath 'ChartlyProfiler.psd1'
    $script:Placeholder = 'This parameter is not documented yet.'
    [xml]$maml = Get-Content -LiteralPath (Join-Path $script:ModulePath 'en-US/Chartly.Profiler.Cmdlets.dll-Help.xml') -Raw
    $script:ExampleCount = @($maml.helpItems.command | ForEach-Object { @($_.examples.example) }).Count

    # Runs $Script in a fresh pwsh with the module's manifest as $args[0] and a JSON path as
    # $args[1]; returns the parsed JSON (plus Output and ExitCode).
    function Invoke-FreshPwsh([string]$Script, [hashtable]$Environment = @{}) {
        $id = [guid]::NewGuid().ToString('N')
        $scriptFile = Join-Path $TestDrive "child-$id.ps1"
        $jsonFile = Join-Path $TestDrive "child-$id.json"
        Set-Content -LiteralPath $scriptFile -Value $Script -Encoding utf8
        $process = [Environment]::ProcessPath
        $psi = [System.Diagnostics.ProcessStartInfo]::new($process)
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-File', $scriptFile, $script:Manifest, $jsonFile) { $psi.ArgumentList.Add($a) }
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw 'The child pwsh did not finish in 5 minutes.' }
        $result = if (Test-Path -LiteralPath $jsonFile) { Get-Content -LiteralPath $jsonFile -Raw | ConvertFrom-Json } else { [pscustomobject]@{} }
        $result | Add-Member -NotePropertyName Output -NotePropertyValue ($out + $err.Result) -Force
        $result | Add-Member -NotePropertyName ExitCode -NotePropertyValue $p.ExitCode -Force
        return $result
    }

    # What Get-Help shows, for every exported cmdlet and the about topic.
    $script:Help = Invoke-FreshPwsh @'
$ErrorActionPreference = 'Stop'
$manifest, $jsonPath = $args
$module = Import-Module $manifest -PassThru
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
$cmdlets = [ordered]@{}
foreach ($c in @($module.ExportedCmdlets.Values | Sort-Object Name)) {
    $h = Get-Help $c.Name -Full
    $text = $h | Out-String -Width 200
    $cmdlets[$c.Name] = [ordered]@{
        Synopsis    = [string]$h.Synopsis
        Description = @($h.description | ForEach-Object { $_.Text }) -join "`n"
        Parameters  = @(@($c.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object) | ForEach-Object {
                $name = $_
                $p = @($h.parameters.parameter | Where-Object { $_.name -eq $name })
                [ordered]@{ Name = $name; Found = $p.Count; Text = (@($p | ForEach-Object { $_.description } | ForEach-Object { $_.Text }) -join "`n"); Type = [string]$p[0].type.name }
            })
        Examples    = @($h.examples.example).Count
        SyntaxItems = @($h.syntax.syntaxItem).Count
        ParameterSets = @($c.ParameterSets).Count
        HasCommonParameters = $text -match '<CommonParameters>'
        Outputs     = @($h.returnValues.returnValue | ForEach-Object { $_.type.name })
        FullText    = $text
    }
}
$about = Get-Help about_ChartlyProfiler | Out-String
[ordered]@{ Cmdlets = $cmdlets; About = $about } | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $jsonPath -Encoding utf8
'@

    # Every example as Get-Help shows it, each in a new runspace in an empty folder, with the
    # sample configuration found the way a user's would be (CHARTLY_PROFILER_CONFIG).
    $env:CHARTLY_TEST_EXAMPLE_ROOT = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'examples') -Force).FullName
    $script:Run = Invoke-FreshPwsh -Environment @{ CHARTLY_PROFILER_CONFIG = (Join-Path $script:Repo 'samples/chartly-profiler.yaml') } -Script @'
$ErrorActionPreference = 'Stop'
$manifest, $jsonPath = $args
$module = Import-Module $manifest -PassThru
$results = [ordered]@{}
foreach ($command in @($module.ExportedCmdlets.Keys | Sort-Object)) {
    $i = 0
    foreach ($example in @((Get-Help $command -Full).examples.example)) {
        $i++
        $dir = Join-Path $env:CHARTLY_TEST_EXAMPLE_ROOT ('{0}-{1}' -f $command, $i)
        $null = New-Item -ItemType Directory -Path $dir -Force
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule([string[]]@($manifest))
        $rs = [runspacefactory]::CreateRunspace($iss)
        $rs.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        # Formatted as the console would show it, so a broken view fails the example too.
        $null = $ps.AddScript("Set-Location -LiteralPath '$($dir.Replace("'", "''"))'`n& {`n$($example.code)`n} | Out-String -Width 200")
        $terminating = ''
        $out = @()
        try { $out = $ps.Invoke() } catch { $terminating = $_.Exception.Message }
        $results["$command#$i"] = [ordered]@{
            Output      = (@($out) -join '')
            Errors      = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
            Warnings    = @($ps.Streams.Warning | ForEach-Object { "$_" })
            Terminating = $terminating
            Files       = @(Get-ChildItem -LiteralPath $dir -File | ForEach-Object Name)
        }
        $ps.Dispose(); $rs.Dispose()
    }
}
$results | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $jsonPath -Encoding utf8
'@
    Remove-Item Env:CHARTLY_TEST_EXAMPLE_ROOT
}

Describe 'Help pages' {
    It 'were built and read in a fresh pwsh' {
        $script:Help.ExitCode | Should -Be 0 -Because $script:Help.Output
        $script:Help.Cmdlets | Should -Not -BeNullOrEmpty
    }

    It 'exist in docs/help for exactly the exported cmdlets' {
        $pages = @(Get-ChildItem -LiteralPath (Join-Path $script:Repo 'docs/help') -Filter '*.md' -File |
                Where-Object { $_.BaseName -ne 'README' -and $_.BaseName -notlike 'about_*' } | ForEach-Object BaseName | Sort-Object)
        $exported = @((Import-PowerShellDataFile -LiteralPath $script:Manifest).CmdletsToExport | Sort-Object)
        $pages | Should -Be $exported
    }

    Context '<Name>' -ForEach $CmdletCases {
        BeforeAll {
            $script:H = $script:Help.Cmdlets.$Name
        }

        It 'has a written synopsis and description' {
            $script:H | Should -Not -BeNullOrEmpty -Because "Get-Help $Name found no help"
            $script:H.Synopsis | Should -Not -BeNullOrEmpty
            # Without MAML, Get-Help makes the synopsis from the syntax: that must not be what we see.
            $script:H.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\s+\["
            $script:H.Synopsis.Length | Should -BeGreaterThan 40
            $script:H.Description.Length | Should -BeGreaterThan 200
        }

        It 'documents every parameter' {
            foreach ($p in $script:H.Parameters) {
                $p.Found | Should -Be 1 -Because "-$($p.Name) of $Name must appear once in Get-Help -Full"
                $p.Text | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name needs a description in docs/help/$Name.md"
                $p.Text | Should -Not -Be $script:Placeholder -Because "-$($p.Name) of $Name needs a description in docs/help/$Name.md"
                $p.Type | Should -Not -BeNullOrEmpty
            }
        }

        It 'has at least three examples' {
            $script:H.Examples | Should -BeGreaterOrEqual 3
        }

        It 'shows one syntax per parameter set, with the common parameters' {
            $script:H.SyntaxItems | Should -Be $script:H.ParameterSets
            $script:H.HasCommonParameters | Should -BeTrue
        }

        It 'names its output type' {
            @($script:H.Outputs).Count | Should -BeGreaterThan 0
            $script:H.FullText | Should -Match 'RELATED LINKS'
            $script:H.FullText | Should -Match 'about_ChartlyProfiler'
        }
    }
}

Describe 'about_ChartlyProfiler' {
    It 'is found by Get-Help and explains <Section>' -ForEach @(
        @{ Section = 'TARGETS'; Expect = 'namespace/name' }
        @{ Section = 'WINDOWS'; Expect = 'RFC 3339' }
        @{ Section = 'SOURCES'; Expect = 'otlp-file' }
        @{ Section = 'EXIT CODES AND ERRORS'; Expect = 'PermissionDenied' }
        @{ Section = 'THE BOTTLENECK TAXONOMY'; Expect = 'throttling' }
    ) {
        $script:Help.About | Should -Match '^TOPIC\s+about_ChartlyProfiler'
        $script:Help.About | Should -Match "(?m)^\s+$([regex]::Escape($Section))\s*$"
        $script:Help.About | Should -BeLike "*$Expect*"
    }

    It 'is wrapped for an 80-column console' {
        $lines = ($script:Help.About -split "`r?`n") | Where-Object { $_ -notmatch '^\s{8}' } # code keeps its own lines
        @($lines | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }
}

Describe 'Help examples' {
    It 'ran in a fresh pwsh, every one of them' {
        $script:Run.ExitCode | Should -Be 0 -Because $script:Run.Output
        $ran = @($script:Run.PSObject.Properties.Name | Where-Object { $_ -like '*#*' })
        $ran.Count | Should -BeGreaterOrEqual 18
        $ran.Count | Should -Be $script:ExampleCount
    }

    It '<Command> example <Index> (<Title>) runs against the sample telemetry' -ForEach $ExampleCases {
        $r = $script:Run."$Command#$Index"
        $r | Should -Not -BeNullOrEmpty -Because 'the example must have been run'
        $r.Terminating | Should -BeNullOrEmpty -Because $Code
        @($r.Errors) | Should -BeNullOrEmpty -Because $Code
        @($r.Warnings) | Should -BeNullOrEmpty -Because $Code
        # It shows something or writes a file: an example that does nothing teaches nothing.
        ($r.Output.Trim().Length -gt 0 -or @($r.Files).Count -gt 0) | Should -BeTrue -Because $Code
    }
}
