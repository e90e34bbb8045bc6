using System;
using System.Collections.Generic;
using System.Text;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The first pass's needle pre-filter (docs/performance.md, "The needle pre-filter"). A span can
    /// begin a target only if one of its string attributes (or its resource's) equals the target's
    /// value: the run, operation or workflow id, the connector (run) id, the service name. A JSON
    /// record whose bytes hold no occurrence of that value, no backslash (so no escape could spell
    /// it), no control byte and only valid UTF-8 (so text decodes to exactly its bytes) cannot hold a
    /// candidate: it is skimmed (<see cref="RecordSkim"/>) for what pass one counts and indexes
    /// instead of parsed. A record the skim is not sure of is parsed whole, so the counts, the index
    /// and the candidates are the same bytes as without the filter.
    /// </summary>
    internal sealed class NeedleFilter
    {
        private readonly byte[] _needle;
        private readonly List<TraceId> _traces = new();

        private NeedleFilter(byte[] needle) => _needle = needle;

        /// <summary>How many records were skimmed rather than parsed.</summary>
        public long Skimmed { get; private set; }

        /// <summary>The filter for a target, or null when no single value must appear in its roots' records.</summary>
        public static NeedleFilter? For(TargetSpec target)
        {
            var value = target.Type switch
            {
                TargetType.Service => target.Name,
                // Both must match: the run id, when given, is the rarer of the two.
                TargetType.Connector => target.Name.Length > 0 ? target.Name : target.Qualifier,
                _ => target.Id,
            };

            // U+FFFD is what invalid UTF-8 decodes to, and a lone surrogate has no UTF-8 form: a value
            // holding either could be equal to text whose bytes differ, so no filter then.
            if (string.IsNullOrEmpty(value) || value!.IndexOf('\uFFFD') >= 0)
            {
                return null;
            }

            try
            {
                return new NeedleFilter(new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(value));
            }
            catch (EncoderFallbackException)
            {
                return null;
            }
        }

        /// <summary>
        /// True when the record cannot hold a candidate and was skimmed: its spans are counted as the
        /// parser counts them and each trace id is told to the sink, in order. The sink must probe
        /// every trace (pass one's does) and keep no span it is not told of. False: parse it whole.
        /// The caller checked the record is <see cref="PlainText"/> (the plain reader needs that too).
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public bool TrySkim(ReadOnlySpan<byte> record, ISpanSink sink, DataQualityCounters quality)
        {
            if (record.IndexOf(_needle) >= 0)
            {
                return false;
            }

            _traces.Clear();
            var skim = new RecordSkim(record, _traces);
            if (!skim.Run(out var spans, out var invalid))
            {
                return false;
            }

            foreach (var t in _traces)
            {
                sink.Interest(t);
            }

            quality.AddSpansRead(spans);
            if (invalid > 0)
            {
                quality.AddInvalidSpans(invalid);
            }

            Skimmed++;
            return true;
        }
    }
}
