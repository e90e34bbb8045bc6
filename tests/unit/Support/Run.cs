using System;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Tests.Support
{
    /// <summary>Runs the engine the way the cmdlet does, from text arguments.</summary>
    public static class Run
    {
        public const string SampleStart = "2026-11-24T10:00:00Z";
        public const string SampleEnd = "2026-11-24T11:00:00Z";

        public static ProfileRequest Request(string type, string id, string start = SampleStart, string end = SampleEnd, string env = "dev", string precision = "ms") =>
            new(
                ProfileRequest.ParseEnvironment(env),
                TargetSpec.Parse(TargetTypes.Parse(type), id),
                TimeWindow.Parse(start, end),
                ProfileRequest.ParsePrecision(precision),
                Array.Empty<string>(),
                null);

        public static Profile Profile(string configPath, string type, string id, string start = SampleStart, string end = SampleEnd, string precision = "ms") =>
            new ProfileEngine().Run(Request(type, id, start, end, precision: precision), ConfigLoader.Load(configPath));

        public static Profile Sample(string type, string id, string precision = "ms") => Profile(Repo.SampleConfig, type, id, precision: precision);

        /// <summary>The walked roots of a sample target, as the engine analysed them.</summary>
        public static System.Collections.Generic.IReadOnlyList<RootAnalysis> SampleRoots(string type, string id)
        {
            var roots = new System.Collections.Generic.List<RootAnalysis>();
            var engine = new ProfileEngine { RootAnalysed = (_, _, r) => roots.Add(r) };
            engine.Run(Request(type, id), ConfigLoader.Load(Repo.SampleConfig));
            return roots;
        }

        public static ProfilerException Fails(Action action)
        {
            try
            {
                action();
            }
            catch (ProfilerException e)
            {
                return e;
            }

            throw new Xunit.Sdk.XunitException("expected a ProfilerException, but the call succeeded");
        }
    }
}
