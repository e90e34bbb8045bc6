using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>The attribute keys the profiler reads from spans and resources (conventions section 1).</summary>
    internal enum AttrKey
    {
        Other,
        Component,
        WorkflowId,
        WorkflowName,
        RunId,
        OperationId,
        ConnectorId,
        ConnectorRunId,
        ServiceName,
        Namespace,
        ServiceNamespace,
        Environment,
        EnvironmentLegacy,
        ServiceVersion,
        PodName,
        ContainerName,
        HostName,
        NodeName,
        HttpStatus,
        HttpStatusLegacy,
        ResendCount,
    }

    /// <summary>
    /// Which attributes matter and where they go, for JSON and protobuf alike: keys are compared
    /// as UTF-8 bytes, so an uninteresting attribute costs no string.
    /// </summary>
    internal static class OtlpAttributes
    {
        [MethodImpl(HotPath.Optimised)]
        public static AttrKey Classify(ReadOnlySpan<byte> v)
        {
            // The shortest key read is "host.name".
            if (v.Length < 9)
            {
                return AttrKey.Other;
            }

            switch (v[0])
            {
                case (byte)'c':
                    if (v.SequenceEqual("chartly.component"u8)) return AttrKey.Component;
                    if (v.SequenceEqual("chartly.workflow.id"u8)) return AttrKey.WorkflowId;
                    if (v.SequenceEqual("chartly.workflow.name"u8)) return AttrKey.WorkflowName;
                    if (v.SequenceEqual("chartly.run.id"u8)) return AttrKey.RunId;
                    if (v.SequenceEqual("chartly.operation.id"u8)) return AttrKey.OperationId;
                    if (v.SequenceEqual("chartly.connector.id"u8)) return AttrKey.ConnectorId;
                    if (v.SequenceEqual("chartly.connector.run.id"u8)) return AttrKey.ConnectorRunId;
                    return AttrKey.Other;
                case (byte)'s':
                    if (v.SequenceEqual("service.name"u8)) return AttrKey.ServiceName;
                    if (v.SequenceEqual("service.namespace"u8)) return AttrKey.ServiceNamespace;
                    if (v.SequenceEqual("service.version"u8)) return AttrKey.ServiceVersion;
                    return AttrKey.Other;
                case (byte)'d':
                    if (v.SequenceEqual("deployment.environment.name"u8)) return AttrKey.Environment;
                    if (v.SequenceEqual("deployment.environment"u8)) return AttrKey.EnvironmentLegacy;
                    return AttrKey.Other;
                case (byte)'k':
                    if (v.SequenceEqual("k8s.namespace.name"u8)) return AttrKey.Namespace;
                    if (v.SequenceEqual("k8s.pod.name"u8)) return AttrKey.PodName;
                    if (v.SequenceEqual("k8s.container.name"u8)) return AttrKey.ContainerName;
                    if (v.SequenceEqual("k8s.node.name"u8)) return AttrKey.NodeName;
                    return AttrKey.Other;
                case (byte)'h':
                    if (v.SequenceEqual("http.response.status_code"u8)) return AttrKey.HttpStatus;
                    if (v.SequenceEqual("http.status_code"u8)) return AttrKey.HttpStatusLegacy;
                    if (v.SequenceEqual("http.request.resend_count"u8)) return AttrKey.ResendCount;
                    if (v.SequenceEqual("host.name"u8)) return AttrKey.HostName;
                    return AttrKey.Other;
                default:
                    return AttrKey.Other;
            }
        }

        /// <summary>Whether the key's values repeat across spans (run and operation ids are fresh in each: caching them would only fill the cache).</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static bool Repeats(AttrKey key) => key is not (AttrKey.RunId or AttrKey.OperationId or AttrKey.ConnectorRunId);

        /// <summary>A span attribute onto the span's draft (pod, container and host are resource facts: not read here).</summary>
        [MethodImpl(HotPath.Optimised)]
        public static void Apply(AttrKey key, OtlpValue value, SpanDraft d, StringInterner interner)
        {
            var s = value.Text;
            switch (key)
            {
                case AttrKey.Component: d.Component = interner.Intern(s); break;
                case AttrKey.WorkflowId: d.WorkflowId = interner.Intern(s); break;
                case AttrKey.WorkflowName: d.WorkflowName = interner.Intern(s); break;
                case AttrKey.RunId: d.RunId = s; break;
                case AttrKey.OperationId: d.OperationId = s; break;
                case AttrKey.ConnectorId: d.ConnectorId = interner.Intern(s); break;
                case AttrKey.ConnectorRunId: d.ConnectorRunId = s; break;
                case AttrKey.ServiceName: d.ServiceName = interner.Intern(s); break;
                case AttrKey.Namespace: d.Namespace = interner.Intern(s) ?? d.Namespace; break; // outranks service.namespace in any order
                case AttrKey.ServiceNamespace: d.Namespace ??= interner.Intern(s); break;
                case AttrKey.Environment: d.Environment = interner.Intern(s); break;
                case AttrKey.EnvironmentLegacy: d.Environment ??= interner.Intern(s); break;
                case AttrKey.ServiceVersion: d.ServiceVersion = interner.Intern(s); break;
                case AttrKey.HttpStatus: d.HttpStatusCode = ToInt(value); break;
                case AttrKey.HttpStatusLegacy: if (d.HttpStatusCode == 0) d.HttpStatusCode = ToInt(value); break;
                case AttrKey.ResendCount: d.ResendCount = ToInt(value); break;
            }
        }

        /// <summary>A resource attribute onto the resource's draft.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static void Apply(AttrKey key, OtlpValue value, ResourceDraft r, StringInterner interner)
        {
            var s = value.Text;
            switch (key)
            {
                case AttrKey.WorkflowId: r.WorkflowId = interner.Intern(s); break;
                case AttrKey.WorkflowName: r.WorkflowName = interner.Intern(s); break;
                case AttrKey.RunId: r.RunId = s; break;
                case AttrKey.OperationId: r.OperationId = s; break;
                case AttrKey.ConnectorId: r.ConnectorId = interner.Intern(s); break;
                case AttrKey.ConnectorRunId: r.ConnectorRunId = s; break;
                case AttrKey.ServiceName: r.ServiceName = interner.Intern(s); break;
                case AttrKey.Namespace: r.Namespace = interner.Intern(s) ?? r.Namespace; break;
                case AttrKey.ServiceNamespace: r.Namespace ??= interner.Intern(s); break;
                case AttrKey.Environment: r.Environment = interner.Intern(s); break;
                case AttrKey.EnvironmentLegacy: r.Environment ??= interner.Intern(s); break;
                case AttrKey.ServiceVersion: r.ServiceVersion = interner.Intern(s); break;
                case AttrKey.PodName: r.Pod = interner.Intern(s); break;
                case AttrKey.ContainerName: r.Container = interner.Intern(s); break;
                case AttrKey.HostName: r.Host ??= interner.Intern(s); break;
                case AttrKey.NodeName: r.Host = interner.Intern(s) ?? r.Host; break; // the node outranks host.name (a pod's host.name is often the pod), in any order
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static int ToInt(OtlpValue value)
        {
            if (value.AsInteger is { } n)
            {
                return n is > int.MaxValue or < 0 ? 0 : (int)n;
            }

            return value.Text is not null && int.TryParse(value.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
    }

    /// <summary>What a resource's attributes say while they are read; becomes an interned <see cref="ResourceInfo"/>.</summary>
    internal sealed class ResourceDraft
    {
        public string? ServiceName;
        public string? Namespace;
        public string? Environment;
        public string? ServiceVersion;
        public string? Pod;
        public string? Container;
        public string? Host;
        public string? WorkflowId;
        public string? WorkflowName;
        public string? RunId;
        public string? OperationId;
        public string? ConnectorId;
        public string? ConnectorRunId;

        [MethodImpl(HotPath.Optimised)]
        public void Reset()
        {
            ServiceName = Namespace = Environment = ServiceVersion = Pod = Container = Host = null;
            WorkflowId = WorkflowName = RunId = OperationId = ConnectorId = ConnectorRunId = null;
        }

        [MethodImpl(HotPath.Optimised)]
        public ResourceInfo ToInfo() => new(ServiceName, Namespace, Environment, ServiceVersion, Pod, Container, Host);

        /// <summary>Target identity attributes set on the resource (a span's own outrank them).</summary>
        [MethodImpl(HotPath.Optimised)]
        public TargetIdentity ToIdentity() =>
            WorkflowId is null && WorkflowName is null && RunId is null && OperationId is null && ConnectorId is null && ConnectorRunId is null
                ? TargetIdentity.None
                : new TargetIdentity(WorkflowId, WorkflowName, RunId, OperationId, ConnectorId, ConnectorRunId);
    }
}
