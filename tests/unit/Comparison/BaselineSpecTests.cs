using Chartly.Profiler.Model;
using Chartly.Profiler.Regression;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Comparison
{
    public class BaselineSpecTests
    {
        private static readonly ProfileWindow Hour = new("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z");

        [Theory]
        [InlineData("run:run-1001", BaselineKind.Run, "run-1001", null, null)]
        [InlineData("RUN:run-1001", BaselineKind.Run, "run-1001", null, null)]
        [InlineData("version:2.3.1", BaselineKind.Version, "2.3.1", null, null)]
        [InlineData("version:2.3.1@2026-11-23T10:00:00Z", BaselineKind.Version, "2.3.1", "2026-11-23T10:00:00Z", null)]
        [InlineData("run:r-1@2026-11-23T10:00:00Z/2026-11-23T11:00:00Z", BaselineKind.Run, "r-1", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z")]
        [InlineData("baselines/main.json", BaselineKind.Profile, "baselines/main.json", null, null)]
        [InlineData("  ./run:odd.yaml ", BaselineKind.Profile, "./run:odd.yaml", null, null)]
        public void Parses(string text, BaselineKind kind, string value, string? start, string? end)
        {
            var s = BaselineSpec.Parse(text);
            Assert.Equal((kind, value, start, end), (s.Kind, s.Value, s.WindowStart, s.WindowEnd));
        }

        [Theory]
        [InlineData("", "BaselineMissing")]
        [InlineData("run:", "InvalidBaseline")]
        [InlineData("version:@2026-11-23T10:00:00Z", "InvalidBaseline")]
        [InlineData("run:r-1@yesterday", "InvalidTimestamp")]
        [InlineData("run:r-1@2026-11-23T10:00:00", "InvalidTimestamp")]
        public void RejectsWithExit2(string text, string errorId)
        {
            var e = Run.Fails(() => BaselineSpec.Parse(text));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(2, e.ExitCode);
        }

        [Fact]
        public void WindowDefaultsToTheCurrentOne()
        {
            var w = BaselineResolver.Window(BaselineSpec.Parse("run:r"), Hour);
            Assert.Equal(("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z"), (w.StartText, w.EndText));
        }

        [Fact]
        public void AStartAloneKeepsTheCurrentLength()
        {
            var w = BaselineResolver.Window(BaselineSpec.Parse("version:1.0@2026-11-23T09:30:00+01:00"), Hour);
            Assert.Equal(("2026-11-23T08:30:00Z", "2026-11-23T09:30:00Z"), (w.StartText, w.EndText));
        }

        [Fact]
        public void AnExplicitWindowOfAnotherLengthIsExit4WithBothWindows()
        {
            var e = Run.Fails(() => BaselineResolver.Window(BaselineSpec.Parse("version:1.0@2026-11-23T10:00:00Z/2026-11-23T10:30:00Z"), Hour));
            Assert.Equal(("BaselineWindowMismatch", 4), (e.ErrorId, e.ExitCode));
            Assert.Contains("[2026-11-24T10:00:00Z, 2026-11-24T11:00:00Z)", e.Message, System.StringComparison.Ordinal);
            Assert.Contains("[2026-11-23T10:00:00Z, 2026-11-23T10:30:00Z)", e.Message, System.StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("run:r-2", "run", "r-1", "r-2")]
        [InlineData("run:op-2", "operation", "op-1", "op-2")]
        [InlineData("run:cr-2", "connector", "conn/cr-1", "conn/cr-2")]
        [InlineData("run:conn/cr-2", "connector", "conn/cr-1", "conn/cr-2")]
        public void RunBaselinesNameAnotherInstance(string spec, string type, string current, string expected)
        {
            var target = TargetSpec.Parse(TargetTypes.Parse(type), current);
            Assert.Equal(expected, BaselineSpec.Parse(spec).RunTarget(target).Id);
        }

        [Fact]
        public void RunBaselinesStayWithTheirConnector()
        {
            var target = TargetSpec.Parse(TargetType.Connector, "conn/cr-1");
            Assert.Equal(("BaselineTargetMismatch", 4), Id(Run.Fails(() => BaselineSpec.Parse("run:other/cr-2").RunTarget(target))));
        }

        [Theory]
        [InlineData("run:r-2", "workflow", "wf-a")]
        [InlineData("run:r-2", "service", "ns/svc")]
        [InlineData("run:r-2", "connector", "conn")]
        [InlineData("version:1.0", "run", "r-1")]
        [InlineData("version:1.0", "operation", "op-1")]
        [InlineData("version:1.0", "connector", "conn/cr-1")]
        public void KindsThatDoNotFitTheTargetAreExit2(string spec, string type, string id)
        {
            var target = TargetSpec.Parse(TargetTypes.Parse(type), id);
            Assert.Equal(("BaselineNotApplicable", 2), Id(Run.Fails(() => BaselineSpec.Parse(spec).CheckApplicable(target))));
        }

        private static (string, int) Id(ProfilerException e) => (e.ErrorId, e.ExitCode);
    }
}
