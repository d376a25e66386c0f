using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Orchestration.Activities;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace EchoMimic.Functions.Hosting;

/// <summary>
/// The orchestration library's activities as Durable Functions: each wrapper resolves the library class from
/// dependency injection (its ports are the Azure adapters registered in Program.cs) and runs it. Function names are
/// the class names the orchestrators call.
/// </summary>
public sealed class ActivityFunctions(IServiceProvider services)
{
    [Function(nameof(CheckInputsActivity))]
    public Task<IReadOnlyList<string>> CheckInputs([ActivityTrigger] JobInputs input, FunctionContext context) =>
        Run<CheckInputsActivity>(context).RunAsync(FunctionActivityContext.For(nameof(CheckInputsActivity), context), input);

    [Function(nameof(DispatchSegmentActivity))]
    public Task<bool> DispatchSegment([ActivityTrigger] SegmentTask input, FunctionContext context) =>
        Run<DispatchSegmentActivity>(context).RunAsync(FunctionActivityContext.For(nameof(DispatchSegmentActivity), context), input);

    [Function(nameof(DispatchSegmentsActivity))]
    public Task<int> DispatchSegments([ActivityTrigger] IReadOnlyList<SegmentTask> input, FunctionContext context) =>
        Run<DispatchSegmentsActivity>(context).RunAsync(FunctionActivityContext.For(nameof(DispatchSegmentsActivity), context), input);

    [Function(nameof(LocateOutputsActivity))]
    public Task<StitchedJob> LocateOutputs([ActivityTrigger] StitchResult input, FunctionContext context) =>
        Run<LocateOutputsActivity>(context).RunAsync(FunctionActivityContext.For(nameof(LocateOutputsActivity), context), input);

    [Function(nameof(RecordJobStatusActivity))]
    public Task<bool> RecordJobStatus([ActivityTrigger] JobStatusUpdate input, FunctionContext context) =>
        Run<RecordJobStatusActivity>(context).RunAsync(FunctionActivityContext.For(nameof(RecordJobStatusActivity), context), input);

    [Function(nameof(SendWebhookActivity))]
    public Task<WebhookAttemptResult> SendWebhook([ActivityTrigger] WebhookAttempt input, FunctionContext context) =>
        Run<SendWebhookActivity>(context).RunAsync(FunctionActivityContext.For(nameof(SendWebhookActivity), context), input);

    // The function invocation's scope when the host provides one (per-invocation services), else the root.
    private T Run<T>(FunctionContext context)
        where T : notnull =>
        ActivatorUtilities.GetServiceOrCreateInstance<T>(context?.InstanceServices ?? services);
}
