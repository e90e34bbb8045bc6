#Requires -Version 7.0
# Tests of the built module as a whole: manifest, layout, import hygiene and dependency
# isolation. The module under test is $env:CHARTLY_PROFILER_MODULE (out/ChartlyProfiler),
# set by build.ps1 / Invoke-Tests.ps1. Every import happens in a fresh child pwsh so that
# each test sees a clean process (and this one never loads the module).

BeforeAll {
    $script:ModulePath = $env:CHARTLY_PROFILER_MODULE
    if (-not $script:ModulePath) { throw 'CHARTLY_PROFILER_MODULE is not set.' }
    $script:ManifestPath = Join-Path $script:ModulePath 'ChartlyProfiler.psd1'
    $script:Manifest = Import-PowerShellDataFile -LiteralPath $script:ManifestPath
    $script:DependencyDir = Join-Path $script:ModulePath 'Dependencies'

    # Runs $Script in a fresh pwsh (same version as this one). The script receives the
    # module folder as $args[0] and the path of a JSON file to write as $args[1]. Returns
    # the parsed JSON plus Output (everything the child printed, stderr included) and
    # ExitCode.
    function Invoke-FreshPwsh([string]$Script) {
        $id = [guid]::NewGuid().ToString('N')
        $scriptFile = Join-Path $TestDrive "child-$id.ps1"
        $jsonFile = Join-Path $TestDrive "child-$id.json"
        Set-Content -LiteralPath $scriptFile -Value $Script -Encoding utf8
        $process = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $output = & $process @prefix -NoProfile -NonInteractive -File $scriptFile $script:ModulePath $jsonFile 2>&1 |
            ForEach-Object { "$_" }
        $exitCode = $LASTEXITCODE
        $result = if (Test-Path -LiteralPath $jsonFile) {
            Get-Content -LiteralPath $jsonFile -Raw | ConvertFrom-Json
        }
        else {
            [pscustomobject]@{}
        }
        $result | Add-Member -NotePropertyName Output -NotePropertyValue (@($output) -join [Environment]::NewLine) -Force
        $result | Add-Member -NotePropertyName ExitCode -NotePropertyValue $exitCode -Force
        return $result
    }

    # Shared by the child scripts: makes the module's code run far enough to need its
    # dependencies. It JIT-compiles every method of the engine and the cmdlets assembly,
    # which binds every assembly they reference (YamlDotNet, System.Text.Json, ...) through
    # the same path a cmdlet call takes. Returns the bind failures it saw.
    $script:UseModuleCode = @'
function Invoke-ModuleCode {
    $errorsBefore = $global:Error.Count
    $failures = [System.Collections.Generic.List[string]]::new()
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    $flags = [System.Reflection.BindingFlags]'DeclaredOnly,Instance,Static,Public,NonPublic'
    # Compiling the cmdlets loads the engine: go round until no new assembly of ours appears.
    while ($true) {
        $ours = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {
                $_.GetName().Name -in 'Chartly.Profiler', 'Chartly.Profiler.Cmdlets' -and $seen.Add($_.FullName)
            })
        if ($ours.Count -eq 0) { break }
        foreach ($assembly in $ours) {
            try { $types = $assembly.GetTypes() }
            catch [System.Reflection.ReflectionTypeLoadException] {
                $types = @($_.Exception.Types | Where-Object { $_ })
                foreach ($e in $_.Exception.LoaderExceptions) { $failures.Add("$($assembly.GetName().Name): $($e.Message)") }
            }
            foreach ($type in $types) {
                if ($type.ContainsGenericParameters) { continue }
                $methods = @($type.GetMethods($flags)) + @($type.GetConstructors($flags))
                foreach ($method in $methods) {
                    if ($method.IsAbstract -or $method.ContainsGenericParameters) { continue }
                    if (($method.GetMethodImplementationFlags() -band [System.Reflection.MethodImplAttributes]::CodeTypeMask) -ne 0) { continue }
                    if ($method.Attributes.HasFlag([System.Reflection.MethodAttributes]::PinvokeImpl)) { continue }
                    try { [System.Runtime.CompilerServices.RuntimeHelpers]::PrepareMethod($method.MethodHandle) }
                    catch {
                        $inner = $_.Exception
                        while ($inner.InnerException) { $inner = $inner.InnerException }
                        if ($inner -is [System.IO.FileNotFoundException] -or $inner -is [System.IO.FileLoadException] -or $inner -is [System.TypeLoadException]) {
                            $failures.Add("$($type.FullName).$($method.Name): $($inner.Message)")
                        }
                    }
                }
            }
        }
    }
    # The exceptions caught above are not errors of the module: keep them out of $Error.
    $added = $global:Error.Count - $errorsBefore
    if ($added -gt 0) { $global:Error.RemoveRange(0, $added) }
    return , $failures.ToArray()
}

# A real cmdlet call whose path parses YAML (the configuration file): returns the error
# text, or '' on success.
function Invoke-RealUse {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('chartly-pester-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path (Join-Path $dir 'telemetry') -Force
    try {
        $config = Join-Path $dir 'chartly-profiler.yaml'
        Set-Content -LiteralPath $config -Encoding utf8 -Value @(
            'environments:', '  dev:', '    sources:', '      - type: otlp-file', '        path: telemetry')
        $plan = Get-ChartlyProfilePlan -ConfigPath $config -Environment dev -TargetType run -TargetId run-1 `
            -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -ErrorAction Stop
        if ($null -eq $plan) { return 'Get-ChartlyProfilePlan returned nothing' }
        return ''
    }
    catch { return "$_" }
    finally { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
}

function Get-AssemblyPlacement([string]$Name) {
    @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $Name } | ForEach-Object {
        [ordered]@{
            Context  = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
            Location = $_.Location
            Version  = $_.GetName().Version.ToString()
        }
    })
}
'@
}

Describe 'ChartlyProfiler manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $script:ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has the binary root module, version and supported editions' {
        $script:Manifest.RootModule | Should -Be 'Chartly.Profiler.Cmdlets.dll'
        $script:Manifest.ModuleVersion | Should -Be '0.1.0'
        $script:Manifest.GUID | Should -Be '8027fb71-02ec-44b8-91bf-9f396ee29b7e'
        $script:Manifest.PowerShellVersion | Should -Be '5.1'
        @($script:Manifest.CompatiblePSEditions) | Sort-Object | Should -Be @('Core', 'Desktop')
    }

    It 'lists cmdlets explicitly and exports no functions, aliases or variables' {
        @($script:Manifest.CmdletsToExport).Count | Should -BeGreaterThan 0
        $script:Manifest.CmdletsToExport | Should -Not -Contain '*'
        $script:Manifest.ContainsKey('FunctionsToExport') | Should -BeTrue
        @($script:Manifest.FunctionsToExport).Count | Should -Be 0
        $script:Manifest.ContainsKey('AliasesToExport') | Should -BeTrue
        @($script:Manifest.AliasesToExport).Count | Should -Be 0
        $script:Manifest.ContainsKey('VariablesToExport') | Should -BeTrue
        @($script:Manifest.VariablesToExport).Count | Should -Be 0
    }

    It 'loads no assembly or nested module by itself (the loader does)' {
        $script:Manifest.ContainsKey('NestedModules') | Should -BeFalse
        $script:Manifest.ContainsKey('RequiredAssemblies') | Should -BeFalse
    }

    It 'processes the format file, which is shipped' {
        $script:Manifest.FormatsToProcess | Should -Contain 'ChartlyProfiler.format.ps1xml'
        Join-Path $script:ModulePath 'ChartlyProfiler.format.ps1xml' | Should -Exist
    }

    It 'has PSData with tags, project and licence links and release notes' {
        $psData = $script:Manifest.PrivateData.PSData
        @($psData.Tags).Count | Should -BeGreaterThan 0
        $psData.ProjectUri | Should -Not -BeNullOrEmpty
        $psData.LicenseUri | Should -Not -BeNullOrEmpty
        $psData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }
}

Describe 'ChartlyProfiler layout' {
    It 'has our two assemblies at the root and nothing else' {
        $root = @(Get-ChildItem -LiteralPath $script:ModulePath -Filter '*.dll' -File | ForEach-Object Name | Sort-Object)
        $root | Should -Be @('Chartly.Profiler.Cmdlets.dll', 'Chartly.Profiler.dll')
    }

    It 'has Dependencies/ with YamlDotNet and System.Text.Json' {
        $script:DependencyDir | Should -Exist
        Join-Path $script:DependencyDir 'YamlDotNet.dll' | Should -Exist
        Join-Path $script:DependencyDir 'System.Text.Json.dll' | Should -Exist
    }

    It 'ships no PowerShell host assembly' {
        Get-ChildItem -LiteralPath $script:ModulePath -Recurse -File -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }
}

Describe 'ChartlyProfiler in a fresh pwsh' {
    BeforeAll {
        $script:First = Invoke-FreshPwsh ($script:UseModuleCode + @'

$ErrorActionPreference = 'Continue'
$modulePath, $jsonPath = $args
$Error.Clear()
$importWarnings = $null
$importErrors = $null
$module = Import-Module -Name (Join-Path $modulePath 'ChartlyProfiler.psd1') -PassThru -WarningVariable importWarnings -ErrorVariable importErrors
$errorsAfterImport = @($Error | ForEach-Object { "$_" })
$defaultBeforeUse = @([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | ForEach-Object { $_.GetName().Name })

$cmdletClasses = @($module.ImplementingAssembly.GetTypes() |
    Where-Object { -not $_.IsAbstract -and $_.IsDefined([System.Management.Automation.CmdletAttribute], $false) } |
    ForEach-Object {
        $attribute = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        "$($attribute.VerbName)-$($attribute.NounName)"
    } | Sort-Object)

$realUse = Invoke-RealUse
$yamlAfterRealUse = @(Get-AssemblyPlacement 'YamlDotNet')
$bindFailures = Invoke-ModuleCode

$loader = @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'ChartlyProfiler')
[ordered]@{
    RealUse           = $realUse
    YamlAfterRealUse  = $yamlAfterRealUse
    ImportWarnings    = @($importWarnings | ForEach-Object { "$_" })
    ImportErrors      = @($importErrors | ForEach-Object { "$_" })
    ErrorsAfterImport = $errorsAfterImport
    ModuleName        = $module.Name
    ModuleVersion     = $module.Version.ToString()
    ExportedCmdlets   = @($module.ExportedCmdlets.Keys | Sort-Object)
    ExportedFunctions = @($module.ExportedFunctions.Keys)
    ExportedAliases   = @($module.ExportedAliases.Keys)
    ExportedVariables = @($module.ExportedVariables.Keys)
    Commands          = @(Get-Command -Module ChartlyProfiler | ForEach-Object Name | Sort-Object)
    CmdletClasses     = $cmdletClasses
    DefaultBeforeUse  = $defaultBeforeUse
    BindFailures      = $bindFailures
    DefaultAfterUse   = @([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | ForEach-Object { $_.GetName().Name })
    LoaderContexts    = $loader.Count
    LoaderAssemblies  = @($loader | ForEach-Object { $_.Assemblies } | ForEach-Object { $_.GetName().Name } | Sort-Object)
    YamlDotNet        = @(Get-AssemblyPlacement 'YamlDotNet')
    Engine            = @(Get-AssemblyPlacement 'Chartly.Profiler')
    ErrorsAtEnd       = @($Error | ForEach-Object { "$_" })
    # A lookup made by PowerShell code, not by the module: the resolver must not answer it.
    ForeignLookup     = [string][Type]::GetType('YamlDotNet.Serialization.SerializerBuilder, YamlDotNet', $false)
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $jsonPath -Encoding utf8
'@)

        $script:Again = Invoke-FreshPwsh ($script:UseModuleCode + @'

$ErrorActionPreference = 'Continue'
$modulePath, $jsonPath = $args
$manifest = Join-Path $modulePath 'ChartlyProfiler.psd1'
$Error.Clear()
$w1 = $null; $w2 = $null; $w3 = $null
Import-Module $manifest -WarningVariable w1
Remove-Module ChartlyProfiler
$afterRemove = @(Get-Module ChartlyProfiler).Count
Import-Module $manifest -WarningVariable w2
# First use only after the re-import: proves the resolver is hooked again.
$realUse = Invoke-RealUse
$bindFailures = Invoke-ModuleCode
Import-Module $manifest -Force -WarningVariable w3
$loader = @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'ChartlyProfiler')
[ordered]@{
    RealUse          = $realUse
    Warnings         = @(@($w1) + @($w2) + @($w3) | Where-Object { $_ } | ForEach-Object { "$_" })
    Errors           = @($Error | ForEach-Object { "$_" })
    AfterRemove      = $afterRemove
    Loaded           = @(Get-Module ChartlyProfiler).Count
    Commands         = @(Get-Command -Module ChartlyProfiler | ForEach-Object Name | Sort-Object)
    BindFailures     = $bindFailures
    LoaderContexts   = $loader.Count
    YamlDotNet       = @(Get-AssemblyPlacement 'YamlDotNet')
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $jsonPath -Encoding utf8
'@)
    }

    It 'runs to the end' {
        $script:First.ExitCode | Should -Be 0 -Because $script:First.Output
        $script:First.ModuleName | Should -Be 'ChartlyProfiler' -Because $script:First.Output
        $script:First.ModuleVersion | Should -Be '0.1.0'
    }

    It 'imports with no warning' {
        @($script:First.ImportWarnings) | Should -BeNullOrEmpty
        $script:First.Output | Should -Not -Match 'WARNING'
    }

    It 'imports with no error' {
        @($script:First.ImportErrors) | Should -BeNullOrEmpty
        @($script:First.ErrorsAfterImport) | Should -BeNullOrEmpty
        @($script:First.ErrorsAtEnd) | Should -BeNullOrEmpty
    }

    It 'exports exactly the manifest''s CmdletsToExport' {
        $expected = @($script:Manifest.CmdletsToExport | Sort-Object)
        @($script:First.ExportedCmdlets) | Should -Be $expected
        @($script:First.Commands) | Should -Be $expected
    }

    It 'lists every [Cmdlet] class of the assembly in CmdletsToExport, and nothing else' {
        @($script:First.CmdletClasses) | Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'exports no function, alias or variable' {
        @($script:First.ExportedFunctions) | Should -BeNullOrEmpty
        @($script:First.ExportedAliases) | Should -BeNullOrEmpty
        @($script:First.ExportedVariables) | Should -BeNullOrEmpty
    }

    It 'runs a cmdlet that reads YAML (Get-ChartlyProfilePlan on a configuration file)' {
        $script:First.RealUse | Should -BeNullOrEmpty
        @($script:First.YamlAfterRealUse).Count | Should -Be 1
        $script:First.YamlAfterRealUse[0].Context | Should -Be 'ChartlyProfiler'
    }

    It 'binds every dependency of the module''s code' {
        @($script:First.BindFailures) | Should -BeNullOrEmpty
    }

    It 'loads YamlDotNet once, from Dependencies/, into the private load context' {
        $yaml = @($script:First.YamlDotNet)
        $yaml.Count | Should -Be 1 -Because 'the engine uses YamlDotNet, so it must be loaded exactly once'
        $yaml[0].Context | Should -Be 'ChartlyProfiler'
        $yaml[0].Location | Should -BeLike "*$([IO.Path]::DirectorySeparatorChar)Dependencies$([IO.Path]::DirectorySeparatorChar)YamlDotNet.dll"
        $script:First.LoaderContexts | Should -Be 1
        @($script:First.LoaderAssemblies) | Should -Contain 'YamlDotNet'
    }

    It 'keeps YamlDotNet out of the default AssemblyLoadContext' {
        @($script:First.DefaultBeforeUse) | Should -Not -Contain 'YamlDotNet'
        @($script:First.DefaultAfterUse) | Should -Not -Contain 'YamlDotNet'
    }

    It 'loads the engine next to the cmdlets, in the default context' {
        @($script:First.Engine).Count | Should -Be 1
        $script:First.Engine[0].Location | Should -Be (Join-Path (Resolve-Path $script:ModulePath).ProviderPath 'Chartly.Profiler.dll')
    }

    It 'can be removed, imported again and re-imported with -Force' {
        $script:Again.ExitCode | Should -Be 0 -Because $script:Again.Output
        $script:Again.AfterRemove | Should -Be 0
        $script:Again.Loaded | Should -Be 1
        @($script:Again.Commands) | Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
        @($script:Again.Warnings) | Should -BeNullOrEmpty
        @($script:Again.Errors) | Should -BeNullOrEmpty
        $script:Again.Output | Should -Not -Match 'WARNING'
    }

    It 'does not hand YamlDotNet to code outside the module' {
        $script:First.ForeignLookup | Should -BeNullOrEmpty
    }

    It 'still resolves dependencies into one private context after a re-import' {
        $script:Again.RealUse | Should -BeNullOrEmpty
        @($script:Again.BindFailures) | Should -BeNullOrEmpty
        $script:Again.LoaderContexts | Should -Be 1
        @($script:Again.YamlDotNet).Count | Should -Be 1
        $script:Again.YamlDotNet[0].Context | Should -Be 'ChartlyProfiler'
    }
}

Describe 'ChartlyProfiler next to another module''s YamlDotNet' {
    # powershell-yaml 0.4 ships YamlDotNet 11.2.1; platyPS and others ship other versions.
    # tests/pester/Pester.csproj downloads 11.2.1; build.ps1 passes the NuGet folder.
    BeforeAll {
        $packages = $env:CHARTLY_TEST_NUGET_PACKAGES
        if (-not $packages) { throw 'CHARTLY_TEST_NUGET_PACKAGES is not set (run through build.ps1).' }
        $script:OtherYaml = Join-Path $packages 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'
        if (-not (Test-Path -LiteralPath $script:OtherYaml)) { throw "Missing $($script:OtherYaml): restore tests/pester/Pester.csproj." }
        $env:CHARTLY_TEST_OTHER_YAMLDOTNET = $script:OtherYaml

        $childCode = @'

$ErrorActionPreference = 'Continue'
$modulePath, $jsonPath = $args
$other = $env:CHARTLY_TEST_OTHER_YAMLDOTNET
$Error.Clear()
$report = [ordered]@{}
if ($env:CHARTLY_TEST_ORDER -eq 'OtherFirst') {
    $otherAssembly = [System.Reflection.Assembly]::LoadFrom($other)
    Import-Module (Join-Path $modulePath 'ChartlyProfiler.psd1')
    $report.RealUse = Invoke-RealUse
    $report.BindFailures = Invoke-ModuleCode
}
else {
    Import-Module (Join-Path $modulePath 'ChartlyProfiler.psd1')
    $report.RealUse = Invoke-RealUse
    $report.BindFailures = Invoke-ModuleCode
    $otherAssembly = [System.Reflection.Assembly]::LoadFrom($other)
}
# The other module keeps working with its own copy.
$serializer = $otherAssembly.GetType('YamlDotNet.Serialization.SerializerBuilder', $true)::new().Build()
$report.OtherOutput = $serializer.Serialize(@{ k = 1 }).Trim()
$report.YamlDotNet = @(Get-AssemblyPlacement 'YamlDotNet')
$report.Errors = @($Error | ForEach-Object { "$_" })
$report | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $jsonPath -Encoding utf8
'@
        $env:CHARTLY_TEST_ORDER = 'OtherFirst'
        $script:OtherFirst = Invoke-FreshPwsh ($script:UseModuleCode + $childCode)
        $env:CHARTLY_TEST_ORDER = 'OursFirst'
        $script:OursFirst = Invoke-FreshPwsh ($script:UseModuleCode + $childCode)
        Remove-Item Env:CHARTLY_TEST_ORDER, Env:CHARTLY_TEST_OTHER_YAMLDOTNET
    }

    It 'both work when YamlDotNet 11.2.1 is loaded <When> ours' -ForEach @(
        @{ When = 'before'; Key = 'OtherFirst' }
        @{ When = 'after'; Key = 'OursFirst' }
    ) {
        $r = if ($Key -eq 'OtherFirst') { $script:OtherFirst } else { $script:OursFirst }
        $ours = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $script:DependencyDir 'YamlDotNet.dll')).Version
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.RealUse | Should -BeNullOrEmpty
        @($r.BindFailures) | Should -BeNullOrEmpty
        @($r.Errors) | Should -BeNullOrEmpty
        $r.OtherOutput | Should -Be 'k: 1'
        $placement = @($r.YamlDotNet | ForEach-Object { '{0} {1}' -f $_.Context, $_.Version } | Sort-Object)
        $placement | Should -Be @("ChartlyProfiler $ours", 'Default 11.0.0.0')
    }
}
