using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Chartly.Profiler
{
    /// <summary>
    /// Loads YAML the user hands over (the configuration, saved profile documents) only after its
    /// event stream has been checked, without building a node: the nesting is bounded (the node
    /// tree and every walk over it recurse, and 50,000 brackets overflow the stack), and aliases
    /// are either refused or bounded by the size they expand to (nine anchors of nine references
    /// each are 387 million nodes to any walk, and to the hash of a complex mapping key).
    /// </summary>
    internal sealed class BoundedYaml
    {
        /// <summary>The configuration: anchors are a fair way to share settings, within a small bound.</summary>
        public static BoundedYaml Configuration { get; } = new(maxDepth: 32, allowAliases: true, maxExpandedNodes: 10_000);

        /// <summary>Saved documents: the writer never emits an alias, so a document with one was not written by this tool.</summary>
        public static BoundedYaml Documents { get; } = new(maxDepth: 32, allowAliases: false, maxExpandedNodes: long.MaxValue);

        private BoundedYaml(int maxDepth, bool allowAliases, long maxExpandedNodes)
        {
            MaxDepth = maxDepth;
            AllowAliases = allowAliases;
            MaxExpandedNodes = maxExpandedNodes;
        }

        public int MaxDepth { get; }

        public bool AllowAliases { get; }

        public long MaxExpandedNodes { get; }

        /// <summary>
        /// The YAML stream of <paramref name="text"/>; <paramref name="refuse"/> turns a reason
        /// ("it is nested deeper than 32 levels") into the caller's error. Syntax errors surface
        /// as <see cref="YamlException"/>, as from YamlDotNet itself.
        /// </summary>
        public YamlStream Load(string text, Func<string, ProfilerException> refuse)
        {
            try
            {
                Check(text, refuse);
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                return stream;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
            {
                // YamlDotNet's scanner throws these, not a YamlException, on some malformed input (found by tests/unit/Governance/YamlFuzzTests.cs).
                throw refuse("it is not valid YAML");
            }
        }

        private void Check(string text, Func<string, ProfilerException> refuse)
        {
            var parser = new Parser(new StringReader(text));
            var anchors = new Dictionary<string, Extent>(StringComparer.Ordinal);
            var open = new Stack<Open>();
            long expanded = 0;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart:
                        if (open.Count + 1 > MaxDepth)
                        {
                            throw refuse(DeeperThan());
                        }

                        open.Push(new Open(((NodeEvent)parser.Current!).Anchor));
                        expanded++;
                        break;
                    case MappingEnd or SequenceEnd:
                        var done = open.Pop();
                        Complete(done.Anchor, new Extent(done.Size, done.Depth + 1));
                        break;
                    case Scalar s:
                        expanded++;
                        Complete(s.Anchor, new Extent(1, 0));
                        break;
                    case AnchorAlias alias:
                        if (!AllowAliases)
                        {
                            throw refuse("it uses a YAML alias (*" + Sanitize.ForMessage(alias.Value.Value) + "), which this tool never writes");
                        }

                        var extent = anchors.TryGetValue(alias.Value.Value, out var e) ? e : new Extent(1, 0);
                        if (open.Count + extent.Depth > MaxDepth)
                        {
                            throw refuse(DeeperThan());
                        }

                        expanded += extent.Size;
                        Complete(AnchorName.Empty, extent);
                        break;
                }

                if (expanded > MaxExpandedNodes)
                {
                    throw refuse("its aliases expand to more than " + MaxExpandedNodes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " nodes");
                }
            }

            void Complete(AnchorName anchor, Extent extent)
            {
                if (!anchor.IsEmpty)
                {
                    anchors[anchor.Value] = extent;
                }

                if (open.Count > 0)
                {
                    var parent = open.Pop();
                    open.Push(parent.With(extent));
                }
            }
        }

        private string DeeperThan() => "it is nested deeper than " + MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture) + " levels";

        /// <summary>What a node stands for once its aliases are expanded: how many nodes, how deep below it.</summary>
        private readonly struct Extent
        {
            public Extent(long size, int depth)
            {
                Size = size;
                Depth = depth;
            }

            public long Size { get; }

            public int Depth { get; }
        }

        private readonly struct Open
        {
            public Open(AnchorName anchor, long size = 1, int depth = 0)
            {
                Anchor = anchor;
                Size = size;
                Depth = depth;
            }

            public AnchorName Anchor { get; }

            public long Size { get; }

            public int Depth { get; }

            public Open With(Extent child) => new(Anchor, Size + child.Size, Math.Max(Depth, child.Depth));
        }
    }
}
