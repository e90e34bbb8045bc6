using System.Reflection;

namespace Chartly.Profiler
{
    public static class ToolInfo
    {
        public const string Name = "chartly-profiler";

        /// <summary>The engine's version (major.minor.patch): part of the determinism key, so no build metadata.</summary>
        public static string Version { get; } = ReadVersion();

        private static string ReadVersion()
        {
            var v = typeof(ToolInfo).Assembly.GetName().Version;
            return v is null ? "0.0.0" : $"{v.Major}.{v.Minor}.{v.Build}";
        }
    }
}
