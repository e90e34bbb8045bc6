#Requires -Version 7.0
# The Azure Monitor Logs source's dependencies (Azure.Core, Azure.Identity) as the built module
# ships them: loaded from Dependencies/ into the module's private load context, never into the
# default one, when a dry run of an azure-monitor-logs environment builds its queries.

Describe 'Azure dependencies of the built module' {
    It 'load from Dependencies/ into the private load context during a dry run' {
        $module = $env:CHARTLY_PROFILER_MODULE
        $config = Join-Path $TestDrive 'azure.yaml'
        Set-Content -LiteralPath $config -Value @"
environments:
  staging:
    sources:
      - type: azure-monitor-logs
        workspace-id: 00000000-0000-0000-0000-000000000000
        credential: azure-cli
"@
        $script = Join-Path $TestDrive 'child.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Module, $Config)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$plan = Get-ChartlyProfilePlan -Environment staging -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -ConfigPath $Config
"steps=$(@($plan.Sources[0].Steps).Count)"
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies()) {
    if ($a.GetName().Name -eq 'Azure.Core') {
        "azure.core=$([IO.Path]::GetFileName([IO.Path]::GetDirectoryName($a.Location)))|$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name)"
    }
}
"default-has-azure=$(@([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -like 'Azure.*' }).Count -gt 0)"
'@
        $process = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $out = & $process @prefix -NoProfile -NonInteractive -File $script $module $config 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain 'azure.core=Dependencies|ChartlyProfiler'
        $out | Should -Contain 'default-has-azure=False'
        ($out | Where-Object { $_ -like 'steps=*' }) | Should -Not -Be 'steps=0'
    }
}
