using Azure.Storage.Queues;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// Segment results on the "segment-results" Storage queue, which the Functions queue trigger consumes. A GPU worker
/// may only send to it (Storage Queue Data Message Sender), so in Azure it runs with <c>provision</c> false.
/// </summary>
public sealed class AzureResultQueue(QueueServiceClient service, string queueName = AzureResultQueue.DefaultName,
    int maxDeliveryCount = 5, bool provision = true)
    : AzureStorageMessageQueue<SegmentResult>(service, queueName, maxDeliveryCount, provision), IResultQueue
{
    public const string DefaultName = "segment-results";
}
