using System;
using System.IO;
using System.Text.Json;
using Xunit;

namespace Chartly.Profiler.Tests.Tool
{
    /// <summary>
    /// The runtime settings chartly-tool is built with (docs/cli.md, "Decisions"): a one-shot
    /// process with no instrumented tier and no background collections. Each was measured on the
    /// service target of docs/performance.md; losing one costs a fifth of a second or more there.
    /// </summary>
    public class ToolRuntimeConfigTests
    {
        [Theory]
        [InlineData("System.Runtime.TieredPGO", false)]
        [InlineData("System.GC.Concurrent", false)]
        public void TheToolRunsWith(string setting, bool expected)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Chartly.Tool.runtimeconfig.json");
            using var config = JsonDocument.Parse(File.ReadAllText(path));
            var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
            Assert.True(properties.TryGetProperty(setting, out var value), setting + " is not set in " + path);
            Assert.Equal(expected, value.GetBoolean());
        }
    }
}
