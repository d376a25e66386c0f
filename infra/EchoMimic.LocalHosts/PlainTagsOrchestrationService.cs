using System.Reflection;
using System.Runtime.ExceptionServices;
using DurableTask.Core;
using DurableTask.Core.History;

namespace EchoMimic.LocalHosts;

/// <summary>
/// Sits between the gRPC task-hub server and the Azure Storage provider. The server builds a sub-orchestration's
/// ExecutionStartedEvent with the protobuf request's tag map (Google.Protobuf MapField) as <c>Tags</c>; the Azure
/// Storage provider queues messages as Newtonsoft JSON with type names and cannot resolve that type when it reads the
/// message back (measured: "Error resolving type ... MapField`2", the child never starts). The in-memory backend
/// never serializes, so only this pairing needs it: tags are copied into a plain dictionary and the server's own
/// history event subclass is replaced by the base event before anything is stored.
/// </summary>
public class PlainTagsOrchestrationService : DispatchProxy
{
    private IOrchestrationService inner = null!;

    public static IOrchestrationService Wrap(IOrchestrationService service)
    {
        var proxy = Create<IOrchestrationService, PlainTagsOrchestrationService>();
        ((PlainTagsOrchestrationService)(object)proxy).inner = service;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync) && args is not null)
        {
            foreach (var argument in args)
            {
                switch (argument)
                {
                    case IEnumerable<TaskMessage> messages:
                        foreach (var message in messages)
                        {
                            Plain(message);
                        }

                        break;
                    case TaskMessage message:
                        Plain(message);
                        break;
                    case OrchestrationRuntimeState runtimeState:
                        PlainHistory(runtimeState.Events);
                        PlainHistory(runtimeState.NewEvents);
                        break;
                    case OrchestrationState { Tags: { } tags } state when tags is not Dictionary<string, string>:
                        state.Tags = new Dictionary<string, string>(tags);
                        break;
                }
            }
        }

        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    // The server records a sub-orchestration start as its own subclass of SubOrchestrationInstanceCreatedEvent; the
    // Azure Storage history table cannot read that row back ("The TableEntity did not contain a 'EventType'
    // property", measured), so the parent never resumes. The base event carries everything replay needs.
    private static void PlainHistory(IList<HistoryEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
            {
                events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                };
            }
        }
    }

    private static void Plain(TaskMessage message)
    {
        if (message.Event is ExecutionStartedEvent { Tags: { } tags } started && tags is not Dictionary<string, string>)
        {
            started.Tags = new Dictionary<string, string>(tags);
        }
    }
}
