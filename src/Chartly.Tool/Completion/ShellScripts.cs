using System;

namespace Chartly.Tool.Completion
{
    /// <summary>
    /// The completion scripts: each hands the line up to the cursor to <c>chartly-tool [suggest:N]</c>
    /// (System.CommandLine's directive), so the tool that runs is the one that answers, with the same
    /// parser, and a new flag needs no script change.
    /// </summary>
    internal static class ShellScripts
    {
        public static readonly string[] Shells = { "bash", "zsh", "pwsh" };

        public static string? For(string shell) => shell switch
        {
            "bash" => Bash,
            "zsh" => Zsh,
            "pwsh" or "powershell" => Pwsh,
            _ => null,
        };

        private const string Bash = """
            # chartly-tool Tab completion for bash. Load it with:  source <(chartly-tool completion bash)
            _chartly_tool_complete() {
                local line="${COMP_LINE:0:COMP_POINT}"
                local IFS=$'\n'
                local -a found
                found=($(command chartly-tool "[suggest:${#line}]" "$line" 2>/dev/null))
                # bash splits words at ':' (COMP_WORDBREAKS): offer only what follows the word's last ':'.
                local word="${line##*[[:space:]]}"
                if [[ "$word" == *:* ]]; then
                    local head="${word%"${word##*:}"}"
                    found=("${found[@]#"$head"}")
                fi
                COMPREPLY=("${found[@]}")
                # A target type ('run:') goes on with its id: no space after it.
                if [[ ${#COMPREPLY[@]} -eq 1 && "${COMPREPLY[0]}" == *: ]]; then
                    compopt -o nospace 2>/dev/null
                fi
            }
            complete -o default -F _chartly_tool_complete chartly-tool

            """;

        private const string Zsh = """
            # chartly-tool Tab completion for zsh. Load it with:  source <(chartly-tool completion zsh)
            if ! (( $+functions[compdef] )); then
                autoload -Uz compinit
                compinit
            fi
            _chartly_tool_complete() {
                local line="${BUFFER[1,CURSOR]}"
                local -a found spaced unspaced
                found=("${(@f)$(command chartly-tool "[suggest:${#line}]" "$line" 2>/dev/null)}")
                local f
                for f in "${found[@]}"; do
                    [[ -z "$f" ]] && continue
                    # A target type ('run:') goes on with its id: no space after it.
                    if [[ "$f" == *: ]]; then unspaced+=("$f"); else spaced+=("$f"); fi
                done
                (( ${#unspaced} )) && compadd -S '' -- "${unspaced[@]}"
                (( ${#spaced} )) && compadd -- "${spaced[@]}"
                (( ${#unspaced} + ${#spaced} )) || _files
            }
            compdef _chartly_tool_complete chartly-tool

            """;

        private const string Pwsh = """
            # chartly-tool Tab completion for PowerShell. Load it with:
            #   chartly-tool completion pwsh | Out-String | Invoke-Expression
            Register-ArgumentCompleter -Native -CommandName chartly-tool -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $line = $commandAst.Extent.Text
                $position = $cursorPosition - $commandAst.Extent.StartOffset
                $line = if ($position -lt $line.Length) { $line.Substring(0, $position) } else { $line.PadRight($position) }
                & chartly-tool "[suggest:$($line.Length)]" $line 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }

            """;

    }
}
