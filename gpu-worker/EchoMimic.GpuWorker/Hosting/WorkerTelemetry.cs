using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EchoMimic.GpuWorker.Hosting;

/// <summary>
/// The worker process's OpenTelemetry pipeline: the segment transport's spans ("segment render", a consumer span
/// parented to the Functions app's "segment dispatch" through the Service Bus message's traceparent) and metrics
/// (queue wait, retries, dead letters, GPU seconds per video second) from <see cref="SegmentTelemetry"/>. Exported
/// to Application Insights with Entra ID (the replica's identity; bicep sets APPLICATIONINSIGHTS_CONNECTION_STRING)
/// or, without a connection string, to the console.
/// </summary>
public sealed class WorkerTelemetry : IDisposable
{
    public const string ConnectionStringVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string ServiceName = "echomimic-gpu-worker";

    private readonly TracerProvider tracing;
    private readonly MeterProvider metrics;

    private WorkerTelemetry(TracerProvider tracing, MeterProvider metrics)
    {
        this.tracing = tracing;
        this.metrics = metrics;
    }

    public static WorkerTelemetry Start(string? connectionString, TokenCredential credential)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource)
            .AddSource(SegmentTelemetry.Name, MeasuredWebhookTransport.Name);
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource)
            .AddMeter(SegmentTelemetry.Name, MeasuredWebhookTransport.Name);
        if (string.IsNullOrEmpty(connectionString))
        {
            tracing.AddConsoleExporter();
            metrics.AddConsoleExporter();
        }
        else
        {
            tracing.AddAzureMonitorTraceExporter(o =>
            {
                o.ConnectionString = connectionString;
                o.Credential = credential;
            });
            metrics.AddAzureMonitorMetricExporter(o =>
            {
                o.ConnectionString = connectionString;
                o.Credential = credential;
            });
        }

        return new WorkerTelemetry(tracing.Build()!, metrics.Build()!);
    }

    public void Dispose()
    {
        tracing.Dispose();
        metrics.Dispose();
    }
}
