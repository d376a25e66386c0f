using Azure.Storage.Queues;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// Segment tasks on an Azure Storage queue: the local stack's transport (Azurite has no Service Bus). In Azure the
/// segment queue is <see cref="ServiceBusSegmentQueue"/>: duplicate detection, lock renewal and KEDA scaling.
/// </summary>
public sealed class AzureStorageSegmentQueue(QueueServiceClient service, string queueName = "segments", int maxDeliveryCount = 5)
    : AzureStorageMessageQueue<SegmentTask>(service, queueName, maxDeliveryCount), ISegmentQueue;
