using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Support
{
    /// <summary>
    /// One JSON record read by the plain-text reader and by the parser, each into its own drafts:
    /// where the reader takes the record, every draft (the skipped and invalid ones too), every call
    /// to the sink in order and the counts must be the same.
    /// </summary>
    public static class ReaderComparison
    {
        /// <summary>How the comparing sink answers: every mode is tried on every record.</summary>
        public static readonly Func<TraceId, SpanInterest>[] Interests =
        {
            _ => SpanInterest.Full,
            _ => SpanInterest.Probe,
            t => (SpanInterest)(int)((t.Low ^ t.High) % 3),
        };

        /// <summary>Asserts agreement in every interest mode; true when the reader took the record (in every mode).</summary>
        public static bool AssertSame(byte[] record, string because)
        {
            var taken = 0;
            foreach (var interest in Interests)
            {
                taken += AssertSame(record, interest, because) ? 1 : 0;
            }

            // Whether a record is taken may depend on the interest (a skipped span's doubleValue is never read).
            return taken == Interests.Length;
        }

        public static bool AssertSame(byte[] record, Func<TraceId, SpanInterest> interest, string because)
        {
            if (!PlainText.Holds(record))
            {
                return false;
            }

            var plainBatch = new SpanBatch();
            var plainSink = new RecordingSink(interest);
            var plainQuality = new DataQualityCounters();
            if (!new PlainRecordReader(plainBatch).TryRead(record, plainSink, plainQuality))
            {
                return false;
            }

            var batch = new SpanBatch();
            var sink = new RecordingSink(interest);
            var quality = new DataQualityCounters();
            try
            {
                new OtlpRecordParser(batch).Parse(record, sink, quality);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
            {
                Assert.Fail($"{because}: the plain reader took a record the parser rejects ({e.GetType().Name}: {e.Message})");
            }

            Assert.True(batch.Count == plainBatch.Count, $"{because}: {batch.Count} drafts parsed, {plainBatch.Count} read plain");
            for (var i = 0; i < batch.Count; i++)
            {
                var expected = Describe(batch.Draft(i));
                var actual = Describe(plainBatch.Draft(i));
                Assert.True(expected == actual, $"{because}: draft {i}\n  parser: {expected}\n  plain:  {actual}");
            }

            Assert.Equal(sink.Calls, plainSink.Calls);
            Assert.Equal(Counts(quality), Counts(plainQuality));
            return true;
        }

        /// <summary>Every field of a draft, as text.</summary>
        public static string Describe(SpanDraft d) => string.Join(
            "|",
            d.TraceId, d.SpanId.ToString("x16", CultureInfo.InvariantCulture), d.ParentSpanId.ToString("x16", CultureInfo.InvariantCulture),
            d.StartUnixNano, d.EndUnixNano, d.Kind, d.StatusCode, d.Interest, d.Invalid, d.HasTraceId, d.HasSpanId, d.HasStart, d.HasEnd,
            d.Name, d.Component, d.WorkflowId, d.WorkflowName, d.RunId, d.OperationId, d.ConnectorId, d.ConnectorRunId,
            d.ServiceName, d.Namespace, d.Environment, d.ServiceVersion, d.HttpStatusCode, d.ResendCount, d.Resource, d.ResourceIdentity);

        public static string Counts(DataQualityCounters q) =>
            $"records={q.RecordsRead} malformed={q.MalformedRecords} spans={q.SpansRead} invalid={q.InvalidSpans} metric_records={q.MetricRecords}";

        /// <summary>Every call in order: the interest asked, each span accepted whole.</summary>
        private sealed class RecordingSink : ISpanSink
        {
            private readonly Func<TraceId, SpanInterest> _interest;

            public RecordingSink(Func<TraceId, SpanInterest> interest) => _interest = interest;

            public List<string> Calls { get; } = new();

            public SpanInterest Interest(TraceId traceId)
            {
                var answer = _interest(traceId);
                Calls.Add("interest " + traceId + " " + answer);
                return answer;
            }

            public void Accept(SpanDraft draft) => Calls.Add("accept " + Describe(draft));
        }
    }
}
