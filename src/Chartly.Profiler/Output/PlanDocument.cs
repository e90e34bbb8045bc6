using System.Linq;
using System.Text;
using Chartly.Profiler.Analysis;

namespace Chartly.Profiler.Output
{
    /// <summary>The dry run's plan as a document (same writers, same rules as a profile).</summary>
    public static class PlanDocument
    {
        public static string Write(ProfilePlan plan, DocumentFormat format) => format switch
        {
            DocumentFormat.Yaml => DocWriter.ToYaml(ToDoc(plan)),
            DocumentFormat.Text => Text(plan),
            _ => DocWriter.ToJson(ToDoc(plan)),
        };

        public static DocMap ToDoc(ProfilePlan plan) => new DocMap()
            .Add("plan", new DocMap()
                .Add("tool", plan.Tool)
                .Add("tool_version", plan.ToolVersion)
                .Add("target", new DocMap().Add("type", plan.Target.Type).Add("id", plan.Target.Id))
                .Add("environment", plan.Environment)
                .Add("window", new DocMap().Add("start", plan.Window.Start).Add("end", plan.Window.End))
                .Add("precision", plan.Precision)
                .Add("config", System.IO.Path.GetFileName(plan.ConfigPath))
                .Add("correlation_id", plan.CorrelationId)
                .Add("sources", new DocList(plan.Sources.Select(s => (DocNode)new DocMap()
                    .Add("source", s.Source)
                    .Add("steps", new DocList(s.Steps.Select(x => (DocNode)DocScalar.Text(x)).ToList()))).ToList())));

        public static string Text(ProfilePlan plan)
        {
            var sb = new StringBuilder();
            sb.Append("Dry run: nothing was read.\n");
            sb.Append("Target       ").Append(plan.Target.Type).Append(' ').Append(plan.Target.Id).Append(" (").Append(plan.Environment).Append(")\n");
            sb.Append("Window       [").Append(plan.Window.Start).Append(", ").Append(plan.Window.End).Append(")  precision ").Append(plan.Precision).Append('\n');
            sb.Append("Correlation  ").Append(plan.CorrelationId).Append('\n');
            foreach (var s in plan.Sources)
            {
                sb.Append("Source       ").Append(s.Source).Append('\n');
                foreach (var step in s.Steps)
                {
                    sb.Append("  - ").Append(step).Append('\n');
                }
            }

            return sb.ToString();
        }
    }
}
