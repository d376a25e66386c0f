using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace EchoMimic.Functions.Hosting;

/// <summary>The <see cref="TaskActivityContext"/> a library activity sees when the Functions host runs it.</summary>
public sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;

    public static FunctionActivityContext For(string activityName, FunctionContext function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var instanceId = function.BindingContext.BindingData.TryGetValue("instanceId", out var value)
            ? value?.ToString() ?? ""
            : "";
        return new FunctionActivityContext(activityName, instanceId);
    }
}
