using System.Reflection;
using EchoMimic.Functions.Api;
using Microsoft.Azure.Functions.Worker;

namespace EchoMimic.Functions.Tests;

/// <summary>Every [Function] of the app, found by reflection, with the trigger its parameters declare.</summary>
internal static class FunctionCatalog
{
    private static readonly Dictionary<Type, string> Triggers = new()
    {
        [typeof(HttpTriggerAttribute)] = "httpTrigger",
        [typeof(BlobTriggerAttribute)] = "blobTrigger",
        [typeof(QueueTriggerAttribute)] = "queueTrigger",
        [typeof(TimerTriggerAttribute)] = "timerTrigger",
        [typeof(OrchestrationTriggerAttribute)] = "orchestrationTrigger",
        [typeof(ActivityTriggerAttribute)] = "activityTrigger",
    };

    public static IEnumerable<(string Name, string Trigger, MethodInfo Method)> All() =>
        typeof(OpenApiFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m => (m.GetCustomAttribute<FunctionAttribute>()!.Name, TriggerOf(m), m));

    public static IEnumerable<(string Route, string[] Methods, string Name)> HttpRoutes() =>
        All().Select(f => (f.Name, Http: f.Method.GetParameters()
                .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null)))
            .Where(f => f.Http is not null)
            .Select(f => (f.Http!.Route!, f.Http.Methods!.Select(m => m.ToLowerInvariant()).ToArray(), f.Name));

    private static string TriggerOf(MethodInfo method)
    {
        var triggers = method.GetParameters()
            .SelectMany(p => p.GetCustomAttributes())
            .Select(a => Triggers.GetValueOrDefault(a.GetType()))
            .Where(t => t is not null)
            .ToList();
        return triggers.Count == 1 ? triggers[0]! : throw new InvalidOperationException($"{method.Name} has {triggers.Count} triggers");
    }
}
