using System;
using System.Collections.Generic;
using System.Globalization;

namespace Chartly.Profiler.Output
{
    /// <summary>
    /// The canonical document as a tree of ordered maps, lists and scalars. Both the JSON and the
    /// YAML writer walk this one tree, so the two formats cannot drift apart in keys or order.
    /// </summary>
    public abstract class DocNode
    {
    }

    public sealed class DocMap : DocNode
    {
        private readonly List<KeyValuePair<string, DocNode>> _entries = new();

        public IReadOnlyList<KeyValuePair<string, DocNode>> Entries => _entries;

        public DocMap Add(string key, DocNode value)
        {
            _entries.Add(new KeyValuePair<string, DocNode>(key, value));
            return this;
        }

        public DocMap Add(string key, string? value) => Add(key, value is null ? DocScalar.Null : DocScalar.Text(value));

        public DocMap Add(string key, long value) => Add(key, DocScalar.Integer(value));

        public DocMap Add(string key, decimal? value) => Add(key, value is null ? DocScalar.Null : DocScalar.OneDecimal(value.Value));

        public DocMap Add(string key, bool value) => Add(key, DocScalar.Boolean(value));

        public DocNode? Get(string key)
        {
            foreach (var e in _entries)
            {
                if (string.Equals(e.Key, key, StringComparison.Ordinal))
                {
                    return e.Value;
                }
            }

            return null;
        }
    }

    public sealed class DocList : DocNode
    {
        public DocList(IReadOnlyList<DocNode> items) => Items = items;

        public IReadOnlyList<DocNode> Items { get; }
    }

    public enum ScalarKind
    {
        Null,
        Text,
        Integer,
        Decimal,
        Boolean,
    }

    public sealed class DocScalar : DocNode
    {
        private DocScalar(ScalarKind kind, string raw)
        {
            Kind = kind;
            Raw = raw;
        }

        public static DocScalar Null { get; } = new(ScalarKind.Null, "null");

        public ScalarKind Kind { get; }

        /// <summary>The value as written: text unquoted, numbers in invariant form.</summary>
        public string Raw { get; }

        public static DocScalar Text(string s) => new(ScalarKind.Text, s);

        public static DocScalar Integer(long v) => new(ScalarKind.Integer, v.ToString(CultureInfo.InvariantCulture));

        /// <summary>Percentages and ratios: always one decimal, half away from zero.</summary>
        public static DocScalar OneDecimal(decimal v) =>
            new(ScalarKind.Decimal, decimal.Round(v, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture));

        /// <summary>A decimal with the given number of digits after the point (ratios use 3).</summary>
        public static DocScalar Fixed(decimal v, int digits) =>
            new(ScalarKind.Decimal, decimal.Round(v, digits, MidpointRounding.AwayFromZero).ToString("0." + new string('0', digits), CultureInfo.InvariantCulture));

        public static DocScalar Boolean(bool b) => new(ScalarKind.Boolean, b ? "true" : "false");

        public static DocScalar Parsed(ScalarKind kind, string raw) => new(kind, raw);
    }
}
