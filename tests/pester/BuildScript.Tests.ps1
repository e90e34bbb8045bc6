#Requires -Version 7.0
# build.ps1 Test tells the truth about skips and about what it needs (issue 17): its functions,
# taken from the script as it is (its AST), run on made-up inputs. No apt-get ever runs here: the
# prerequisites are checked with a PATH that holds nothing, so nothing could be installed.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $build = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $script:Repo 'build.ps1'), [ref]$null, [ref]$null)
    $script:Functions = @($build.FindAll({ $args[0] -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $args[0].Name -in 'Read-TrxCounts', 'Assert-TestPrerequisites', 'Write-Step' }, $true) | ForEach-Object { $_.Extent.Text }) -join "`n"
    $table = $build.FindAll({ $args[0] -is [System.Management.Automation.Language.AssignmentStatementAst] -and $args[0].Left.Extent.Text -eq '$TestPrerequisites' }, $true) | Select-Object -First 1
    $script:Table = $table.Extent.Text
}

Describe 'build.ps1 Test' {
    It 'counts xunit skips from each test''s outcome (the trx summary counters leave them out)' {
        $trx = Join-Path $TestDrive 'unit.trx'
        Set-Content -LiteralPath $trx -Value @'
<?xml version="1.0" encoding="utf-8"?>
<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
    <UnitTestResult testName="a" outcome="Passed" />
    <UnitTestResult testName="b" outcome="NotExecuted" />
    <UnitTestResult testName="c" outcome="NotExecuted" />
    <UnitTestResult testName="d" outcome="Failed" />
    <UnitTestResult testName="e" outcome="Error" />
  </Results>
  <ResultSummary outcome="Failed">
    <Counters total="5" executed="3" passed="1" failed="1" error="1" notExecuted="0" />
  </ResultSummary>
</TestRun>
'@
        . ([scriptblock]::Create($script:Functions))
        $c = Read-TrxCounts $trx
        $c.Passed | Should -Be 1
        $c.Failed | Should -Be 2
        $c.Skipped | Should -Be 2
    }

    It 'prints the skipped total on the line before the last, which stays "N passed, N failed"' {
        $text = Get-Content -LiteralPath (Join-Path $script:Repo 'build.ps1') -Raw
        $text | Should -Match ([regex]::Escape('Write-Host ("{0} skipped" -f $skipped)') + '\s*\n\s*' + [regex]::Escape('Write-Host ("{0} passed, {1} failed" -f $passed, $failed)'))
    }

    It 'stops before building and lists what to install when it cannot install it' {
        $empty = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty-path') -Force).FullName
        $saved = $env:PATH
        try {
            $env:PATH = $empty
            $SkipPrerequisites = $false
            . ([scriptblock]::Create($script:Table + "`n" + $script:Functions))
            { Assert-TestPrerequisites } | Should -Throw -ExpectedMessage '*prometheus (Debian package prometheus)*chromium (Debian package chromium)*python3 (Debian package python3)*sudo apt-get install -y chromium prometheus python3*-SkipPrerequisites*'
        }
        finally {
            $env:PATH = $saved
        }
    }

    It 'with -SkipPrerequisites goes on and says which tests will skip' {
        $empty = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty-path-2') -Force).FullName
        $saved = $env:PATH
        try {
            $env:PATH = $empty
            $SkipPrerequisites = $true
            . ([scriptblock]::Create($script:Table + "`n" + $script:Functions))
            { Assert-TestPrerequisites 3>$null } | Should -Not -Throw
        }
        finally {
            $env:PATH = $saved
        }
    }

    It 'names the same prerequisites as .ci/run relies on, and .ci/run runs the README''s command' {
        $ci = Get-Content -LiteralPath (Join-Path $script:Repo '.ci/run') -Raw
        $ci | Should -Match 'dotnet pwsh -NoProfile -File ./build.ps1 Test'
        $ci | Should -Not -Match '(?m)^[^#]*apt-get install' -Because 'build.ps1 Test installs them, one table for both'
        foreach ($tool in 'prometheus', 'promtool', 'chromium', 'python3') { $script:Table | Should -Match "Command = '$tool'" }
    }
}
