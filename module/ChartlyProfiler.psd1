@{
    # Binary module: the cmdlets assembly is the root module. Its third-party
    # dependencies live in Dependencies/ and are loaded by
    # Chartly.Profiler.Cmdlets.Loading.DependencyLoader (IModuleAssemblyInitializer) into a
    # private AssemblyLoadContext. Never add them to NestedModules or RequiredAssemblies:
    # that would load them into the default context and clash with other modules.
    RootModule           = 'Chartly.Profiler.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '8027fb71-02ec-44b8-91bf-9f396ee29b7e'
    Author               = 'Chartly'
    CompanyName          = 'Chartly'
    Copyright            = '(c) Chartly. All rights reserved.'
    Description          = 'Chartly Profiler: builds performance profiles (critical-path breakdown, resource signals, findings, regression verdicts) of Chartly workflow runs, services, operations and connectors from OpenTelemetry telemetry.'
    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'

    # Keep in sync with the [Cmdlet(...)] classes in src/Chartly.Profiler.Cmdlets
    # (tests/pester/Module.Tests.ps1 fails when they differ).
    CmdletsToExport      = @(
        'Get-ChartlyProfile'
        'Get-ChartlyProfilePlan'
        'ConvertTo-ChartlyProfileDocument'
        'Import-ChartlyProfile'
        'Compare-ChartlyProfile'
        'Export-ChartlyProfileReport'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    FormatsToProcess     = @('ChartlyProfiler.format.ps1xml')
    TypesToProcess       = @('ChartlyProfiler.types.ps1xml')

    PrivateData          = @{
        PSData = @{
            Tags         = @('Profiling', 'Performance', 'OpenTelemetry', 'Tracing', 'CriticalPath', 'Chartly', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://example.invalid/chartly/chartly-profiler'
            LicenseUri   = 'https://example.invalid/chartly/chartly-profiler/LICENSE'
            ReleaseNotes = '0.1.0: first release. Profiles from OTLP/JSON files; profile documents in JSON and YAML; comparison with a baseline profile.'
        }
    }
}
