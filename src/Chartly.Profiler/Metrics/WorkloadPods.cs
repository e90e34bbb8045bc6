using System;

namespace Chartly.Profiler.Metrics
{
    /// <summary>
    /// Whether a pod belongs to a workload, from the names Kubernetes gives pods: a Deployment's
    /// pod is <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;-&lt;5 characters&gt;</c>, a
    /// StatefulSet's <c>&lt;statefulset&gt;-&lt;ordinal&gt;</c>. The hash and the suffix use
    /// Kubernetes' safe alphabet (consonants and the digits 2, 4-9), which no word-like name part
    /// such as <c>gateway</c> fits, so a workload <c>api</c> does not claim the pods of <c>api-gateway</c>.
    /// </summary>
    public static class WorkloadPods
    {
        /// <summary>The characters Kubernetes uses for generated name parts (no vowels, no 0, 1, 3).</summary>
        private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

        public static bool IsPodOf(string workload, string pod)
        {
            if (workload.Length == 0 || pod.Length <= workload.Length + 1 || !pod.StartsWith(workload, StringComparison.Ordinal) || pod[workload.Length] != '-')
            {
                return false;
            }

            var rest = pod.Substring(workload.Length + 1);
            if (IsOrdinal(rest))
            {
                return true;
            }

            var dash = rest.IndexOf('-');
            if (dash <= 0 || rest.IndexOf('-', dash + 1) >= 0)
            {
                return false;
            }

            var hash = rest.Substring(0, dash);
            var suffix = rest.Substring(dash + 1);
            return hash.Length <= 10 && suffix.Length == 5 && IsSafe(hash) && IsSafe(suffix);
        }

        private static bool IsOrdinal(string s)
        {
            foreach (var c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return s.Length > 0;
        }

        private static bool IsSafe(string s)
        {
            foreach (var c in s)
            {
                if (SafeAlphabet.IndexOf(c) < 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
