using System;
using System.Collections.Generic;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>Signal and measure statuses as the document writes them.</summary>
    public static class SignalStatus
    {
        public const string Ok = "ok";
        public const string NoData = "no_data";
        public const string Excluded = "excluded";
    }

    /// <summary>
    /// One measure's numbers, already rounded to the document's precision (so what the taxonomy
    /// compares is exactly what a finding cites), for the whole target and per top component.
    /// </summary>
    public sealed class MeasureResult
    {
        public MeasureResult(string signal, MeasureDefinition definition, string status, Stat whole, IReadOnlyList<string> metrics, IReadOnlyList<KeyValuePair<string, Stat>> components)
        {
            Signal = signal;
            Definition = definition;
            Status = status;
            Whole = whole;
            Metrics = metrics;
            Components = components;
        }

        public string Signal { get; }

        public MeasureDefinition Definition { get; }

        public string Name => Definition.Name;

        public string Unit => Definition.Unit;

        public string Status { get; }

        public bool HasData => Status == SignalStatus.Ok;

        public Stat Whole { get; }

        public IReadOnlyList<string> Metrics { get; }

        public IReadOnlyList<KeyValuePair<string, Stat>> Components { get; }

        public Stat? Component(string component)
        {
            foreach (var kv in Components)
            {
                if (string.Equals(kv.Key, component, StringComparison.Ordinal))
                {
                    return kv.Value;
                }
            }

            return null;
        }

        public SignalMeasure ToModel() => new(
            Name,
            Status,
            Unit,
            Whole.Avg,
            Whole.Max,
            Whole.Total,
            Whole.Samples,
            Metrics,
            ComponentModels());

        public IReadOnlyList<ComponentSignal> ComponentModels()
        {
            var list = new List<ComponentSignal>(Components.Count);
            foreach (var kv in Components)
            {
                list.Add(new ComponentSignal(kv.Key, kv.Value.Avg, kv.Value.Max, kv.Value.Samples, kv.Value.Total));
            }

            return list;
        }
    }

    /// <summary>Average, maximum, total and sample count; a null is "not measured", never zero.</summary>
    public sealed record Stat(decimal? Avg, decimal? Max, decimal? Total, long Samples)
    {
        public static Stat None { get; } = new(null, null, null, 0);
    }
}
