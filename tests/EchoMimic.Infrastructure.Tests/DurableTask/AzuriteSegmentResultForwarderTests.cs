using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Azure;

namespace EchoMimic.Infrastructure.Tests.DurableTask;

/// <summary>
/// The forwarder on the Storage results queue on Azurite, as <c>echomimic serve</c> runs it: renewals replace the pop
/// receipt, so this is where renewing and settling must not race.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSegmentResultForwarderTests(AzuriteFixture azurite) : SegmentResultForwarderContract
{
    protected override IResultQueue CreateQueue() => new AzureResultQueue(azurite.Queues, AzuriteFixture.UniqueName("results"));
}
