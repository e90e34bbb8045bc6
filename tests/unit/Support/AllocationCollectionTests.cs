using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace Chartly.Profiler.Tests.Support
{
    /// <summary>
    /// Every test that reads the process-wide allocation counter runs in a collection that runs
    /// alone: beside other tests it counts their allocations too, and fails or passes by chance
    /// (a Prometheus client test read 68 MB for its 1 MiB cap in CI while other tests ran).
    /// </summary>
    public class AllocationCollectionTests
    {
        private static readonly MethodInfo Counter = typeof(GC).GetMethod(nameof(GC.GetTotalAllocatedBytes), new[] { typeof(bool) })!;

        [Fact]
        public void EveryReaderOfTheProcessWideCounterRunsAlone()
        {
            var readers = new List<Type>();
            var alone = new List<string>();
            foreach (var type in typeof(AllocationCollectionTests).Assembly.GetTypes())
            {
                const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
                foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                {
                    if (Calls(method, Counter))
                    {
                        readers.Add(TestClassOf(type));
                    }
                }
            }

            Assert.NotEmpty(readers);
            var notAlone = readers.Distinct().Where(t => !RunsAlone(t)).Select(t => t.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList();
            Assert.True(notAlone.Count == 0, "read the process-wide allocation counter beside other tests: " + string.Join(", ", notAlone));
        }

        /// <summary>The class a compiler-generated closure or lambda class belongs to.</summary>
        private static Type TestClassOf(Type type)
        {
            while (type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.DeclaringType is { } outer)
            {
                type = outer;
            }

            return type;
        }

        private static bool RunsAlone(Type type)
        {
            var name = type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(CollectionAttribute)).Select(a => a.ConstructorArguments[0].Value as string).FirstOrDefault();
            if (name is null)
            {
                return false;
            }

            // The definition's name is its constructor's argument; DisableParallelization a named one.
            return typeof(AllocationCollectionTests).Assembly.GetTypes()
                .SelectMany(t => t.GetCustomAttributesData())
                .Where(a => a.AttributeType == typeof(CollectionDefinitionAttribute) && a.ConstructorArguments.Count == 1 && string.Equals(a.ConstructorArguments[0].Value as string, name, StringComparison.Ordinal))
                .Any(a => a.NamedArguments.Any(n => n.MemberName == nameof(CollectionDefinitionAttribute.DisableParallelization) && n.TypedValue.Value is true));
        }

        /// <summary>Whether the method's IL calls <paramref name="target"/> (call and callvirt tokens resolved in its module).</summary>
        private static bool Calls(MethodBase method, MethodInfo target)
        {
            byte[]? il;
            try
            {
                il = method.GetMethodBody()?.GetILAsByteArray();
            }
            catch (Exception)
            {
                return false;
            }

            if (il is null)
            {
                return false;
            }

            for (var i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] != 0x28 && il[i] != 0x6F)
                {
                    continue;
                }

                var token = BitConverter.ToInt32(il, i + 1);
                if ((token >> 24) != 0x0A && (token >> 24) != 0x06)
                {
                    continue;
                }

                try
                {
                    if (method.Module.ResolveMethod(token) is MethodInfo called && called == target)
                    {
                        return true;
                    }
                }
                catch (Exception)
                {
                    // A byte that only looked like a call: its operand is not a method token.
                }
            }

            return false;
        }
    }
}
