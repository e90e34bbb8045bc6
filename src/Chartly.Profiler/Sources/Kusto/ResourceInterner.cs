using System.Collections.Generic;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// One <see cref="ResourceInfo"/> instance per distinct resource in an answer, as the file
    /// reader shares one per resource: rows repeat their resource's identity on every span. Capped,
    /// so a hostile answer with a new identity on every row costs no more than the rows themselves.
    /// </summary>
    internal sealed class ResourceInterner
    {
        private const int MaxResources = 10_000;

        private readonly Dictionary<ResourceInfo, ResourceInfo> _resources = new();

        public ResourceInfo Intern(ResourceInfo r)
        {
            if (_resources.TryGetValue(r, out var interned))
            {
                return interned;
            }

            if (_resources.Count < MaxResources)
            {
                _resources[r] = r;
            }

            return r;
        }

        /// <summary>tostring() of a missing attribute is "": absent and empty mean the same in a projected cell.</summary>
        public static string? Text(string? cell) => string.IsNullOrEmpty(cell) ? null : cell;
    }
}
