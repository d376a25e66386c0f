using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace EchoMimic.Functions.Hosting;

/// <summary>
/// The orchestration library's orchestrators as Durable Functions. The Durable Task source generator is not
/// served here (architecture.md), so each gets a one-line wrapper; the function name is the class name because
/// the orchestrators call each other by <c>nameof(...)</c>.
/// </summary>
public static class OrchestratorFunctions
{
    [Function(nameof(RenderJobOrchestrator))]
    public static Task<RenderJobOutcome> RenderJob([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RenderJobOrchestrator().RunAsync(context, Input<RenderJobInput>(context));

    [Function(nameof(CampaignOrchestrator))]
    public static Task<CampaignOutcome> Campaign([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CampaignOrchestrator().RunAsync(context, Input<CampaignInput>(context));

    [Function(nameof(WebhookDeliveryOrchestrator))]
    public static Task<WebhookDeliveryOutcome> WebhookDelivery([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new WebhookDeliveryOrchestrator().RunAsync(context, Input<WebhookDeliveryInput>(context));

    private static T Input<T>(TaskOrchestrationContext context)
        where T : class =>
        context.GetInput<T>() ?? throw new InvalidOperationException(
            $"orchestration {context.InstanceId} ({context.Name}) was started without a {typeof(T).Name}");
}
