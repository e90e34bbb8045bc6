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
    # Where Update-Help looks; Get-Help -Online uses each cmdlet's HelpUri (docs/help/<name>.md).
    HelpInfoURI          = 'https://example.invalid/chartly/chartly-profiler/blob/main/docs/help/'
    AliasesToExport      = @()
    VariablesToExport    = @()

    FormatsToProcess     = @('ChartlyProfiler.format.ps1xml')
    TypesToProcess       = @('ChartlyProfiler.types.ps1xml')

    PrivateData          = @{
        PSData = @{
            # PSCmdlet_/PSCommand_ tags: how Find-PSResource -CommandName finds the module.
            Tags         = @(
                'Profiling', 'Performance', 'OpenTelemetry', 'Tracing', 'CriticalPath', 'Chartly', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS'
                'PSCmdlet_Get-ChartlyProfile', 'PSCommand_Get-ChartlyProfile'
                'PSCmdlet_Get-ChartlyProfilePlan', 'PSCommand_Get-ChartlyProfilePlan'
                'PSCmdlet_ConvertTo-ChartlyProfileDocument', 'PSCommand_ConvertTo-ChartlyProfileDocument'
                'PSCmdlet_Import-ChartlyProfile', 'PSCommand_Import-ChartlyProfile'
                'PSCmdlet_Compare-ChartlyProfile', 'PSCommand_Compare-ChartlyProfile'
                'PSCmdlet_Export-ChartlyProfileReport', 'PSCommand_Export-ChartlyProfileReport'
            )
            ProjectUri   = 'https://example.invalid/chartly/chartly-profiler'
            LicenseUri   = 'https://example.invalid/chartly/chartly-profiler/LICENSE'
            ReleaseNotes = '0.1.0: Get-ChartlyProfile and Get-ChartlyProfilePlan (profiles and dry runs of an explicit target and window from OTLP/JSON files, Prometheus and Azure Monitor Logs, with per-environment access policies); ConvertTo-ChartlyProfileDocument and Import-ChartlyProfile (the canonical JSON, YAML and text documents, byte-identical to tools/profiler/profiler.ps1); Compare-ChartlyProfile and -CompareTo (regression verdicts against run:, version: or saved baselines); Export-ChartlyProfileReport (a self-contained HTML report with the critical-path waterfall). Profiles survive Export-Clixml, jobs and remoting; the console view fits the window.'
        }
    }
}
