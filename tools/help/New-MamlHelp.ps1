#Requires -Version 7.0
<#
.SYNOPSIS
    Builds the module's help (MAML for the cmdlets, a text about_ topic) from docs/help/*.md.

.DESCRIPTION
    platyPS is not available here, so this script is the project's own, small generator. It
    imports the built module (run it in a child pwsh: the module's DLLs then stay out of the
    calling process) and combines two sources:

      - the Markdown in -SourcePath, one file per cmdlet (<Cmdlet>.md) in the shape
        docs/help/README.md defines: synopsis, description, one section per parameter,
        inputs, outputs, examples, notes, related links;
      - the cmdlets themselves (Get-Command): parameter sets, types, positions, pipeline
        input, aliases, mandatory flags, and default values read from a fresh instance of the
        cmdlet class. None of that is typed twice, so it cannot drift.

    It writes -OutputPath/Chartly.Profiler.Cmdlets.dll-Help.xml and, for every about_*.md,
    -OutputPath/about_*.help.txt. The output is deterministic (UTF-8 without BOM, LF).

    Problems (a missing section, a parameter the cmdlet lacks, fewer than three examples, an
    exported cmdlet without a page) are collected and reported together; they fail the run.
    A parameter without a section, and a page whose cmdlet is not exported, are warnings only
    (the parameter gets a visible placeholder), so a new parameter does not break everyone's
    build: tests/pester/Help.Tests.ps1 fails instead.

.EXAMPLE
    dotnet pwsh -NoProfile -File tools/help/New-MamlHelp.ps1 -ModulePath out/ChartlyProfiler -SourcePath docs/help -OutputPath out/ChartlyProfiler/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$SourcePath,
    [Parameter(Mandatory)][string]$OutputPath,
    [string]$ModuleName = 'ChartlyProfiler'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$script:Placeholder = 'This parameter is not documented yet.'
$script:Problems = [System.Collections.Generic.List[string]]::new()
$script:CommonParameters = [System.Collections.Generic.HashSet[string]]::new(
    [string[]]([System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters),
    [StringComparer]::OrdinalIgnoreCase)

function Add-Problem([string]$File, [string]$Message) {
    $script:Problems.Add("${File}: $Message")
}

# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

# Inline Markdown to plain help text: code spans and emphasis lose their markers, links keep
# their text (and the address in brackets when it is not a help topic).
function ConvertTo-PlainText([string]$Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]+)\)', {
            param($m)
            $label = $m.Groups[1].Value; $uri = $m.Groups[2].Value
            if ($uri -match '^(https?://)') { "$label ($uri)" } else { $label }
        })
    $t = $t -replace '\*\*([^*]+)\*\*', '$1'
    $t = $t -replace '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1'
    $t = $t -replace '`([^`]+)`', '$1'
    return $t
}

# Lines of one section to paragraphs: blank lines separate paragraphs, every list item starts
# one of its own (keeping its marker), lines of a paragraph are joined with a space.
function ConvertTo-Paragraphs([string[]]$Lines, [string]$File, [string]$Where) {
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($current.Count -gt 0) { $paras.Add((ConvertTo-PlainText (($current -join ' ').Trim()))); $current.Clear() }
    }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { Add-Problem $File "$Where has a code block; code belongs in an example"; continue }
        if ($line.Trim().Length -eq 0) { & $flush; continue }
        if ($line -match '^\s*([-*]|\d+\.)\s+') { & $flush }
        $current.Add($line.Trim())
    }
    & $flush
    return , $paras.ToArray()
}

# Splits a help page into its sections. Returns an ordered dictionary of what it found.
function Read-HelpPage([string]$Path) {
    $file = Split-Path -Leaf $Path
    $lines = @((Get-Content -LiteralPath $Path -Encoding utf8) -replace "`r$", '')
    $page = [ordered]@{
        Name = $null; Synopsis = @(); Description = @(); Parameters = [ordered]@{}
        Inputs = [System.Collections.Generic.List[object]]::new(); Outputs = [System.Collections.Generic.List[object]]::new()
        Examples = [System.Collections.Generic.List[object]]::new(); Notes = @(); Links = [System.Collections.Generic.List[object]]::new()
    }

    # Group lines under their headings: level-2 sections, level-3 entries inside them.
    $sections = [ordered]@{}
    $h2 = $null; $h3 = $null; $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (.+)$' -and $null -eq $page.Name) { $page.Name = $Matches[1].Trim(); continue }
        if (-not $inFence -and $line -match '^## (.+)$') {
            $h2 = $Matches[1].Trim().ToLowerInvariant(); $h3 = $null
            if ($sections.Contains($h2)) { Add-Problem $file "section '## $($Matches[1].Trim())' appears twice" }
            $sections[$h2] = [ordered]@{ '' = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        if (-not $inFence -and $line -match '^### (.+)$' -and $null -ne $h2) {
            $h3 = $Matches[1].Trim()
            if ($sections[$h2].Contains($h3)) { Add-Problem $file "'### $h3' appears twice under '## $h2'" }
            $sections[$h2][$h3] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -eq $h2) {
            if ($line.Trim().Length -gt 0 -and $line -notmatch '^# ') { Add-Problem $file "text before the first section: '$line'" }
            continue
        }
        $sections[$h2][$(if ($null -eq $h3) { '' } else { $h3 })].Add($line)
    }

    $known = @('synopsis', 'description', 'parameters', 'inputs', 'outputs', 'examples', 'notes', 'related links')
    foreach ($name in $sections.Keys) {
        if ($name -notin $known) { Add-Problem $file "unknown section '## $name' (known: $($known -join ', '))" }
        elseif ($name -notin 'parameters', 'inputs', 'outputs', 'examples') {
            foreach ($sub in @($sections[$name].Keys | Where-Object { $_ -ne '' })) { Add-Problem $file "'### $sub' has no place under '## $name'" }
        }
    }

    if ($sections.Contains('synopsis')) { $page.Synopsis = ConvertTo-Paragraphs $sections['synopsis'][''] $file 'Synopsis' }
    if ($sections.Contains('description')) { $page.Description = ConvertTo-Paragraphs $sections['description'][''] $file 'Description' }
    if ($sections.Contains('notes')) { $page.Notes = ConvertTo-Paragraphs $sections['notes'][''] $file 'Notes' }

    if ($sections.Contains('parameters')) {
        foreach ($key in $sections['parameters'].Keys) {
            if ($key -eq '') { continue }
            if ($key -notmatch '^-([A-Za-z][A-Za-z0-9]*)$') { Add-Problem $file "parameter heading '### $key' must be '### -Name'"; continue }
            $page.Parameters[$Matches[1]] = ConvertTo-Paragraphs $sections['parameters'][$key] $file "Parameter $key"
        }
    }

    foreach ($kind in 'inputs', 'outputs') {
        if (-not $sections.Contains($kind)) { continue }
        foreach ($key in $sections[$kind].Keys) {
            if ($key -eq '') { continue }
            $entry = [pscustomobject]@{ Type = $key; Description = ConvertTo-Paragraphs $sections[$kind][$key] $file "$kind $key" }
            if ($kind -eq 'inputs') { $page.Inputs.Add($entry) } else { $page.Outputs.Add($entry) }
        }
    }

    if ($sections.Contains('examples')) {
        foreach ($key in $sections['examples'].Keys) {
            if ($key -eq '') { continue }
            $body = $sections['examples'][$key]
            $code = [System.Collections.Generic.List[string]]::new()
            $rest = [System.Collections.Generic.List[string]]::new()
            $fences = 0; $inCode = $false
            foreach ($line in $body) {
                if ($line -match '^\s*```') {
                    $fences++
                    $inCode = -not $inCode
                    if ($inCode -and $line.Trim() -notmatch '^```powershell$') { Add-Problem $file "example '$key' must use a ``````powershell fence" }
                    continue
                }
                if ($inCode) { $code.Add($line) } elseif ($fences -ge 2) { $rest.Add($line) } elseif ($line.Trim().Length -gt 0) { Add-Problem $file "example '$key' has text before its code" }
            }
            if ($fences -ne 2) { Add-Problem $file "example '$key' must hold exactly one code block (found $($fences / 2))" }
            if ($code.Count -eq 0) { Add-Problem $file "example '$key' has no code" }
            $page.Examples.Add([pscustomobject]@{
                    Title   = $key
                    Code    = ($code -join "`n").TrimEnd()
                    Remarks = ConvertTo-Paragraphs $rest $file "Example $key"
                })
        }
    }

    if ($sections.Contains('related links')) {
        foreach ($line in $sections['related links']['']) {
            if ($line.Trim().Length -eq 0) { continue }
            if ($line -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)\s*$') {
                $uri = $Matches[2]
                $page.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $(if ($uri -match '^https?://') { $uri } else { '' }) })
            }
            elseif ($line -match '^\s*[-*]\s+(\S.*)$') {
                $page.Links.Add([pscustomobject]@{ Text = $Matches[1].Trim(); Uri = '' })
            }
            else { Add-Problem $file "related links must be a list of '- [text](uri)' or '- Topic-Name': '$line'" }
        }
    }

    return $page
}

# ---------------------------------------------------------------------------------------------
# Cmdlet metadata
# ---------------------------------------------------------------------------------------------

function Get-TypeLabel([type]$Type) {
    if ($Type.IsArray) { return (Get-TypeLabel $Type.GetElementType()) + '[]' }
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return Get-TypeLabel $nullable }
    return $Type.Name
}

function Get-TypeFullName([type]$Type) {
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return $nullable.FullName }
    return $Type.FullName
}

# The value a parameter has when it is not given, read from a fresh instance of the cmdlet.
function Get-DefaultText($Instance, [string]$Name) {
    if ($null -eq $Instance) { return 'None' }
    $property = $Instance.GetType().GetProperty($Name)
    if ($null -eq $property) { return 'None' }
    $value = $property.GetValue($Instance)
    if ($value -is [System.Management.Automation.SwitchParameter]) { return [string]$value.IsPresent }
    if ($null -eq $value) { return 'None' }
    if ($value -is [string] -and $value.Length -eq 0) { return 'None' }
    if ($value -is [System.IFormattable]) { return $value.ToString($null, [cultureinfo]::InvariantCulture) }
    return [string]$value
}

# One parameter as the help needs it: in one set (for syntax) or across sets (for the list).
function Get-ParameterFacts($Command, [string]$Name, $Instance) {
    $meta = $Command.Parameters[$Name]
    $sets = @($meta.ParameterSets.GetEnumerator() | ForEach-Object {
            [pscustomobject]@{ Set = $_.Key; Data = $_.Value }
        })
    $positions = @($sets | ForEach-Object { $_.Data.Position } | Where-Object { $_ -ge 0 } | Sort-Object -Unique)
    $byValue = [bool]@($sets | Where-Object { $_.Data.ValueFromPipeline }).Count
    $byName = [bool]@($sets | Where-Object { $_.Data.ValueFromPipelineByPropertyName }).Count
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    [pscustomobject]@{
        Name      = $meta.Name
        Type      = $meta.ParameterType
        IsSwitch  = $meta.SwitchParameter
        Required  = (@($sets | Where-Object { -not $_.Data.IsMandatory }).Count -eq 0)
        Position  = $(if ($positions.Count -gt 0) { [string]$positions[0] } else { 'named' })
        Pipeline  = $pipeline
        Aliases   = $(if ($meta.Aliases.Count -gt 0) { ($meta.Aliases | Sort-Object) -join ', ' } else { 'none' })
        Default   = Get-DefaultText $Instance $meta.Name
    }
}

# ---------------------------------------------------------------------------------------------
# MAML
# ---------------------------------------------------------------------------------------------

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Write-Paras([System.Xml.XmlWriter]$W, [string[]]$Paras) {
    $W.WriteStartElement('maml', 'description', $ns.maml)
    foreach ($p in @($Paras)) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter]$W, $Facts, [string[]]$Description, [bool]$Required, [string]$Position) {
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $Facts.Type.IsArray.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', 'false')
    $W.WriteAttributeString('pipelineInput', $Facts.Pipeline)
    $W.WriteAttributeString('position', $Position)
    $W.WriteAttributeString('aliases', $Facts.Aliases)
    $W.WriteElementString('maml', 'name', $ns.maml, $Facts.Name)
    Write-Paras $W $Description
    if (-not $Facts.IsSwitch) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', 'true')
        $W.WriteAttributeString('variableLength', $Facts.Type.IsArray.ToString().ToLowerInvariant())
        $W.WriteString((Get-TypeLabel $Facts.Type))
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, (Get-TypeFullName $Facts.Type))
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $Facts.Default)
    $W.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter]$W, $Command, $Page, [string]$File) {
    $instance = $null
    try { $instance = [Activator]::CreateInstance($Command.ImplementingType) } catch { $instance = $null }

    $names = @($Command.Parameters.Keys | Where-Object { -not $script:CommonParameters.Contains($_) })
    foreach ($documented in $Page.Parameters.Keys) {
        if ($documented -notin $names) { Add-Problem $File "documents -$documented, which $($Command.Name) does not have" }
    }
    $ordered = @(@($Page.Parameters.Keys | Where-Object { $_ -in $names }) + @($names | Where-Object { $_ -notin $Page.Parameters.Keys } | Sort-Object))
    $descriptions = @{}
    foreach ($n in $ordered) {
        if ($Page.Parameters.Contains($n) -and @($Page.Parameters[$n]).Count -gt 0) { $descriptions[$n] = $Page.Parameters[$n] }
        else {
            Write-Warning "${File}: -$n of $($Command.Name) is not documented; the help says so until it is."
            $descriptions[$n] = @($script:Placeholder)
        }
    }

    $verb, $noun = $Command.Name -split '-', 2
    $W.WriteStartElement('command', 'command', $ns.command)
    $W.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $W.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Command.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $verb)
    $W.WriteElementString('command', 'noun', $ns.command, $noun)
    Write-Paras $W $Page.Synopsis
    $W.WriteEndElement()
    Write-Paras $W $Page.Description

    # Syntax: one item per parameter set, positional parameters first, then in page order.
    $W.WriteStartElement('command', 'syntax', $ns.command)
    $sets = @($Command.ParameterSets | Sort-Object @{ Expression = { -not $_.IsDefault } }, Name)
    foreach ($set in $sets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        $inSet = @($set.Parameters | Where-Object { -not $script:CommonParameters.Contains($_.Name) })
        $sorted = @($inSet | Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { [array]::IndexOf($ordered, $_.Name) } })
        foreach ($p in $sorted) {
            $facts = Get-ParameterFacts $Command $p.Name $instance
            Write-Parameter $W $facts $descriptions[$p.Name] $p.IsMandatory $(if ($p.Position -ge 0) { [string]$p.Position } else { 'named' })
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($n in $ordered) {
        $facts = Get-ParameterFacts $Command $n $instance
        Write-Parameter $W $facts $descriptions[$n] $facts.Required $facts.Position
    }
    $W.WriteEndElement()

    foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Entries = $Page.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Entries = $Page.Outputs })) {
        $W.WriteStartElement('command', $kind.List, $ns.command)
        foreach ($e in $kind.Entries) {
            $W.WriteStartElement('command', $kind.Item, $ns.command)
            $W.WriteStartElement('dev', 'type', $ns.dev)
            $W.WriteElementString('maml', 'name', $ns.maml, $e.Type)
            $W.WriteEndElement()
            Write-Paras $W $e.Description
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteStartElement('maml', 'alert', $ns.maml)
    foreach ($p in @($Page.Notes)) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($e in $Page.Examples) {
        $i++
        $title = $e.Title -replace '^Example \d+:\s*', ''
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "--------- Example ${i}: $title ---------")
        $W.WriteElementString('dev', 'code', $ns.dev, $e.Code)
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($p in @($e.Remarks)) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
        # An empty paragraph last: Get-Help then leaves a blank line before the next example.
        $W.WriteElementString('maml', 'para', $ns.maml, '')
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($l in $Page.Links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $l.Text)
        $W.WriteElementString('maml', 'uri', $ns.maml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

# ---------------------------------------------------------------------------------------------
# about_ topics: Markdown to the classic text layout (headings in capitals, text indented by
# four and wrapped at 80 columns, code and tables kept as written, indented by eight / four).
# ---------------------------------------------------------------------------------------------

function Format-Wrapped([string]$Text, [int]$Indent, [int]$Hanging = 0, [int]$Width = 80) {
    $out = [System.Collections.Generic.List[string]]::new()
    $line = ''
    $first = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        $pad = ' ' * ($Indent + $(if ($first) { 0 } else { $Hanging }))
        if ($line.Length -gt 0 -and ($pad.Length + $line.Length + 1 + $word.Length) -gt $Width) {
            $out.Add($pad + $line); $line = $word; $first = $false
        }
        elseif ($line.Length -gt 0) { $line += ' ' + $word }
        else { $line = $word }
    }
    if ($line.Length -gt 0) { $out.Add((' ' * ($Indent + $(if ($first) { 0 } else { $Hanging }))) + $line) }
    return , $out.ToArray()
}

function ConvertTo-AboutText([string]$Path) {
    $file = Split-Path -Leaf $Path
    $lines = @((Get-Content -LiteralPath $Path -Encoding utf8) -replace "`r$", '')
    $out = [System.Collections.Generic.List[string]]::new()
    $para = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    $name = $null
    $flush = {
        if ($para.Count -eq 0) { return }
        $text = ConvertTo-PlainText (($para -join ' ').Trim())
        if ($text -match '^([-*]|\d+\.)\s+(.*)$') {
            $marker = $Matches[1]; $rest = $Matches[2]
            $wrapped = Format-Wrapped "$marker $rest" 4 ($marker.Length + 1)
        }
        else { $wrapped = Format-Wrapped $text 4 }
        foreach ($l in $wrapped) { $out.Add($l) }
        $para.Clear()
    }
    foreach ($line in $lines) {
        if ($line -match '^\s*```') {
            & $flush
            $inFence = -not $inFence
            continue
        }
        if ($inFence) { $out.Add($(if ($line.Length -gt 0) { '        ' + $line } else { '' })); continue }
        if ($line -match '^# (.+)$') { $name = $Matches[1].Trim(); $out.Add('TOPIC'); $out.Add("    $name"); $out.Add(''); continue }
        if ($line -match '^## (.+)$') { & $flush; if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }; $out.Add($Matches[1].Trim().ToUpperInvariant()); continue }
        if ($line -match '^### (.+)$') { & $flush; if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }; $out.Add('  ' + (ConvertTo-PlainText $Matches[1].Trim()).ToUpperInvariant()); continue }
        if ($line -match '^\s*\|') { & $flush; $out.Add('    ' + (ConvertTo-PlainText $line.Trim())); continue }
        if ($line.Trim().Length -eq 0) { & $flush; if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }; continue }
        if ($line -match '^\s*([-*]|\d+\.)\s+') { & $flush }
        $para.Add($line.Trim())
    }
    & $flush
    if ($inFence) { Add-Problem $file 'a code block is not closed' }
    if ($name -ne [IO.Path]::GetFileNameWithoutExtension($file)) { Add-Problem $file "the title must be '# $([IO.Path]::GetFileNameWithoutExtension($file))'" }
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    return ($out -join "`n") + "`n"
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

$manifest = Join-Path $ModulePath "$ModuleName.psd1"
if (-not (Test-Path -LiteralPath $manifest)) { throw "No $ModuleName.psd1 in '$ModulePath'." }
$module = Import-Module -Name $manifest -PassThru -Force
$commands = @($module.ExportedCmdlets.Values | Sort-Object Name)
if ($commands.Count -eq 0) { throw "The module exports no cmdlet." }
$assemblyName = $module.ImplementingAssembly.GetName().Name

$null = New-Item -ItemType Directory -Path $OutputPath -Force
$utf8 = [System.Text.UTF8Encoding]::new($false)

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.NewLineChars = "`n"
$settings.NewLineHandling = [System.Xml.NewLineHandling]::Entitize
$settings.Encoding = $utf8
$stream = [System.IO.MemoryStream]::new()
$w = [System.Xml.XmlWriter]::Create($stream, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')

foreach ($command in $commands) {
    $file = "$($command.Name).md"
    $path = Join-Path $SourcePath $file
    if (-not (Test-Path -LiteralPath $path)) { Add-Problem $file "missing: every exported cmdlet needs a help page"; continue }
    $page = Read-HelpPage $path
    if ($page.Name -ne $command.Name) { Add-Problem $file "the title must be '# $($command.Name)'" }
    if (@($page.Synopsis).Count -eq 0) { Add-Problem $file 'no synopsis' }
    if (@($page.Description).Count -eq 0) { Add-Problem $file 'no description' }
    if ($page.Examples.Count -lt 3) { Add-Problem $file "has $($page.Examples.Count) example(s); at least three are required" }
    if ($page.Outputs.Count -eq 0) { Add-Problem $file 'no outputs section' }
    Write-Command $w $command $page $file
}

foreach ($md in @(Get-ChildItem -LiteralPath $SourcePath -Filter '*.md' -File | Sort-Object Name)) {
    $base = $md.BaseName
    if ($base -eq 'README' -or $base -like 'about_*') { continue }
    # A warning, like an undocumented parameter: a page may land before its cmdlet is exported.
    if ($base -notin $commands.Name) { Write-Warning "$($md.Name): no exported cmdlet is called $base; the page is not built." }
}

$w.WriteEndElement()
$w.WriteEndDocument()
$w.Flush()
$maml = $utf8.GetString($stream.ToArray()).TrimStart([char]0xFEFF) + "`n"

$abouts = [ordered]@{}
foreach ($md in @(Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.md' -File | Sort-Object Name)) {
    $abouts["$($md.BaseName).help.txt"] = ConvertTo-AboutText $md.FullName
}

if ($script:Problems.Count -gt 0) {
    foreach ($p in $script:Problems) { Write-Host "    help problem: $p" }
    throw "The help sources in '$SourcePath' have $($script:Problems.Count) problem(s), listed above; docs/help/README.md describes the shape."
}

[System.IO.File]::WriteAllText((Join-Path $OutputPath "$assemblyName.dll-Help.xml"), $maml, $utf8)
foreach ($name in $abouts.Keys) {
    [System.IO.File]::WriteAllText((Join-Path $OutputPath $name), $abouts[$name], $utf8)
}
Write-Host ("    help: {0} cmdlet(s), {1} about topic(s) -> {2}" -f $commands.Count, $abouts.Count, $OutputPath)
