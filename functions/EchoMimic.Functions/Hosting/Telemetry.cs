using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace EchoMimic.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the Functions app: the worker's invocation spans (so a job's spans chain from the trigger),
/// the segment transport's producer spans (whose context travels to the GPU workers in Service Bus application
/// properties) and the webhook spans; metrics for queue wait, retries, dead letters, GPU seconds per video second
/// and webhook latency. Exported to Azure Monitor (Entra ID auth, the app's managed identity) when
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set, else to the console.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddEchoMimicTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var builder = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(SegmentTelemetry.Name, MeasuredWebhookTransport.Name))
            .WithMetrics(metrics => metrics.AddMeter(SegmentTelemetry.Name, MeasuredWebhookTransport.Name));
        if (string.IsNullOrEmpty(connectionString))
        {
            builder.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
        }
        else
        {
            var credential = new DefaultAzureCredential();
            builder.WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(o =>
                {
                    o.ConnectionString = connectionString;
                    o.Credential = credential;
                }))
                .WithMetrics(metrics => metrics.AddAzureMonitorMetricExporter(o =>
                {
                    o.ConnectionString = connectionString;
                    o.Credential = credential;
                }));
        }

        return services;
    }
}
