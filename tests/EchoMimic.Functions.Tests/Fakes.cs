using System.Text;
using EchoMimic.Core.Ports;
using EchoMimic.Functions;
using EchoMimic.Functions.Intake;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Infrastructure.Embedded;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace EchoMimic.Functions.Tests;

/// <summary>Fakes for calling functions directly: a Durable Task client, HTTP requests, a FunctionContext.</summary>
internal static class Fakes
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public const string ValidJobJson = """
        {
          "schemaVersion": 1,
          "inputs": { "reference": "uploads/acme/job-1/ref.png", "audio": "uploads/acme/job-1/speech.wav",
                      "pose": { "gesture": "fight" } },
          "settings": { "mode": "accelerated" },
          "idempotencyKey": "order-17"
        }
        """;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static DurableTaskClient Client() => Substitute.For<DurableTaskClient>("test");

    /// <summary>Makes <paramref name="client"/> report an existing instance.</summary>
    public static void HasInstance(this DurableTaskClient client, string instanceId, OrchestrationRuntimeStatus status,
        string name = "RenderJobOrchestrator", string? customStatus = null, string? output = null)
    {
        var metadata = new OrchestrationMetadata(name, instanceId)
        {
            RuntimeStatus = status,
            SerializedCustomStatus = customStatus,
            SerializedOutput = output,
            CreatedAt = Now,
            LastUpdatedAt = Now,
            DataConverter = JsonDataConverter.Default,
        };
        client.GetInstanceAsync(instanceId, Arg.Any<bool>(), Arg.Any<CancellationToken>()).Returns(metadata);
    }

    public static HttpRequest Request(string method, string body = "", string? contentType = "application/json",
        string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentType = contentType;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    public static FunctionContext Context(IServiceProvider services, string instanceId)
    {
        var context = Substitute.For<FunctionContext>();
        var binding = Substitute.For<BindingContext>();
        binding.BindingData.Returns(new Dictionary<string, object?> { ["instanceId"] = instanceId });
        context.BindingContext.Returns(binding);
        context.InstanceServices.Returns(services);
        return context;
    }

    public static IOptions<EchoMimicSettings> Settings() => Options.Create(new EchoMimicSettings
    {
        SegmentDeadlineMinutes = 20,
        EventSource = new Uri("https://func-test.azurewebsites.net"),
    });

    public static JobStarter Starter(IJobIndex index) =>
        new(index, Settings().Value.ToRenderJobOptions(), new FixedTime(Now), NullLogger<JobStarter>.Instance);

    public static InMemoryJobIndex Index() => new();
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
