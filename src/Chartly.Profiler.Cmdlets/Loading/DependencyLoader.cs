using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Chartly.Profiler.Cmdlets.Loading
{
    /// <summary>
    /// Loads the module's third-party dependencies (YamlDotNet, System.Text.Json and its
    /// friends, later Azure.Core / Azure.Identity) from the <c>Dependencies/</c> folder next
    /// to <c>Chartly.Profiler.Cmdlets.dll</c>, so that they never clash with another module's
    /// copy of the same assembly ("Assembly with same name is already loaded": platyPS #481,
    /// powershell-yaml #109).
    /// </summary>
    /// <remarks>
    /// PowerShell calls <see cref="OnImport"/> when the binary module is imported and
    /// <see cref="OnRemove"/> when it is removed. While hooked, every failed assembly bind
    /// in the process reaches <see cref="AppDomain.AssemblyResolve"/>; the handler answers
    /// only for simple names whose <c>Dependencies/&lt;name&gt;.dll</c> exists and whose
    /// file version satisfies the request, and only for requests made by this module's own
    /// assemblies (or made without a requesting assembly). Everything else gets
    /// <c>null</c>, so other modules keep their own resolution.
    /// <para>
    /// On .NET (PowerShell 7) the assemblies go into ONE private, non-collectible
    /// AssemblyLoadContext named "ChartlyProfiler". netstandard2.0 has no
    /// AssemblyLoadContext type at compile time, so it is created by reflection. On .NET
    /// Framework (Windows PowerShell 5.1) there are no load contexts; the file is loaded with
    /// <see cref="Assembly.LoadFrom(string)"/>.
    /// </para>
    /// </remarks>
    public sealed class DependencyLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>Name of the private load context (visible in AssemblyLoadContext.All).</summary>
        public const string LoadContextName = "ChartlyProfiler";

        /// <summary>Folder, next to the cmdlets assembly, that holds the dependencies.</summary>
        public const string DependencyFolderName = "Dependencies";

        private static readonly object Sync = new object();

        // Loaded dependencies by simple name (case-insensitive, as assembly names are).
        // Static: survives Remove-Module / Import-Module in the same process, because .NET
        // can neither unload the private context nor load the same file into it twice.
        private static readonly Dictionary<string, Assembly> Loaded =
            new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

        private static readonly string DependencyDirectory = Path.Combine(
            Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? string.Empty,
            DependencyFolderName);

        private static bool _hooked;
        private static object? _loadContext;
        private static MethodInfo? _loadFromAssemblyPath;

        /// <summary>Hooks <see cref="AppDomain.AssemblyResolve"/> (once per process).</summary>
        public void OnImport()
        {
            lock (Sync)
            {
                if (_hooked)
                {
                    return;
                }

                AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                _hooked = true;
            }
        }

        /// <summary>Unhooks the handler. Assemblies already loaded stay loaded.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            lock (Sync)
            {
                if (!_hooked)
                {
                    return;
                }

                AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
                _hooked = false;
            }
        }

        /// <summary>
        /// The private load context (a System.Runtime.Loader.AssemblyLoadContext) once a
        /// dependency has been loaded on .NET; <c>null</c> before that and on .NET Framework.
        /// Typed as object because netstandard2.0 does not know the type.
        /// </summary>
        internal static object? LoadContext
        {
            get
            {
                lock (Sync)
                {
                    return _loadContext;
                }
            }
        }

        internal static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            AssemblyName requested;
            try
            {
                requested = new AssemblyName(args.Name);
            }
            catch (Exception e) when (e is ArgumentException || e is FileLoadException)
            {
                return null;
            }

            string? simpleName = requested.Name;
            if (string.IsNullOrEmpty(simpleName) || !IsPlainFileName(simpleName!))
            {
                return null;
            }

            if (!IsOwnRequest(args.RequestingAssembly))
            {
                return null;
            }

            lock (Sync)
            {
                if (Loaded.TryGetValue(simpleName!, out Assembly? cached))
                {
                    return Satisfies(cached.GetName(), requested) ? cached : null;
                }

                string path = Path.Combine(DependencyDirectory, simpleName + ".dll");
                if (!File.Exists(path))
                {
                    return null;
                }

                AssemblyName onDisk;
                try
                {
                    onDisk = AssemblyName.GetAssemblyName(path);
                }
                catch (Exception e) when (e is BadImageFormatException || e is FileLoadException || e is IOException)
                {
                    return null;
                }

                if (!string.Equals(onDisk.Name, simpleName, StringComparison.OrdinalIgnoreCase)
                    || !Satisfies(onDisk, requested))
                {
                    return null;
                }

                Assembly assembly = Load(path);
                Loaded[simpleName!] = assembly;
                return assembly;
            }
        }

        // The request comes from one of our assemblies (the cmdlets, the engine, or a
        // dependency we loaded), or from code that did not say who asks (Type.GetType with an
        // assembly-qualified name, Assembly.Load(string)). Another module's failed bind for a
        // name we happen to ship is not ours to answer.
        private static bool IsOwnRequest(Assembly? requesting)
        {
            if (requesting is null)
            {
                return true;
            }

            if (requesting == typeof(DependencyLoader).Assembly)
            {
                return true;
            }

            string? location;
            try
            {
                location = requesting.IsDynamic ? null : requesting.Location;
            }
            catch (NotSupportedException)
            {
                location = null;
            }

            if (string.IsNullOrEmpty(location))
            {
                return false;
            }

            string? requestingDirectory = Path.GetDirectoryName(location);
            string moduleDirectory = Path.GetDirectoryName(DependencyDirectory) ?? string.Empty;
            return SamePath(requestingDirectory, moduleDirectory) || SamePath(requestingDirectory, DependencyDirectory);
        }

        private static bool SamePath(string? a, string? b)
        {
            if (a is null || b is null)
            {
                return false;
            }

            string left = a.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            string right = b.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            StringComparison comparison = Path.DirectorySeparatorChar == '\\'
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;
            return string.Equals(left, right, comparison);
        }

        private static bool IsPlainFileName(string name)
        {
            return name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
                && name.IndexOf(Path.DirectorySeparatorChar) < 0
                && name.IndexOf(Path.AltDirectorySeparatorChar) < 0
                && name != "."
                && name != "..";
        }

        // A bind may be answered with the same or a higher version; a lower one would fail
        // later with a MissingMethodException far from the cause.
        private static bool Satisfies(AssemblyName candidate, AssemblyName requested)
        {
            return requested.Version is null
                || (candidate.Version is object && candidate.Version >= requested.Version);
        }

        private static Assembly Load(string path)
        {
            if (_loadContext is null)
            {
                Type? contextType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false)
                    ?? Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false);
                if (contextType is null)
                {
                    // .NET Framework: no load contexts.
                    return Assembly.LoadFrom(path);
                }

                ConstructorInfo? constructor = contextType.GetConstructor(new[] { typeof(string), typeof(bool) });
                MethodInfo? loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
                if (constructor is null || loadFromPath is null)
                {
                    return Assembly.LoadFrom(path);
                }

                _loadContext = constructor.Invoke(new object?[] { LoadContextName, false });
                _loadFromAssemblyPath = loadFromPath;
            }

            try
            {
                return (Assembly)_loadFromAssemblyPath!.Invoke(_loadContext, new object[] { path })!;
            }
            catch (TargetInvocationException e) when (e.InnerException is object)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
