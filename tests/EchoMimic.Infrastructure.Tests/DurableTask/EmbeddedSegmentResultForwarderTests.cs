using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Embedded;

namespace EchoMimic.Infrastructure.Tests.DurableTask;

/// <summary>The forwarder on the embedded results queue (<c>echomimic render</c>, tests).</summary>
public sealed class EmbeddedSegmentResultForwarderTests : SegmentResultForwarderContract
{
    protected override IResultQueue CreateQueue() => new InMemoryResultQueue();
}
