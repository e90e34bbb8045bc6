using Xunit;

namespace Chartly.Profiler.Tests.Support
{
    /// <summary>
    /// Tests that bound what a profile allocates run alone: the process-wide counter they read
    /// would count the allocations of every test running beside them.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class AllocationCollection
    {
        public const string Name = "Allocation";
    }
}
