using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Torch;

namespace EchoMimic.GpuWorker.Hosting;

/// <summary>
/// The GPU worker's configuration, read from the environment variables that bicep/modules/gpuworkers.bicep sets
/// (docs/azure.md, "GPU worker process"). A missing or invalid value is an <see cref="InputException"/> naming the
/// variable, which the entry point turns into exit code 2: a misconfigured replica must stop at once, not render.
/// </summary>
public sealed record WorkerSettings(
    string StorageAccountName,
    string ServiceBusNamespace,
    string SegmentQueue,
    int MaxDeliveryCount,
    string ResultQueue,
    string WeightsDirectory,
    bool AcceleratedWeights,
    bool DemoWeights,
    int Loops,
    int HealthPort,
    string WorkerId)
{
    public const string StorageAccountVariable = "EchoMimic__Storage__AccountName";
    public const string ServiceBusNamespaceVariable = "EchoMimic__ServiceBus__FullyQualifiedNamespace";
    public const string SegmentQueueVariable = "EchoMimic__ServiceBus__SegmentQueue";
    public const string MaxDeliveryCountVariable = "EchoMimic__ServiceBus__MaxDeliveryCount";
    public const string ResultQueueVariable = "EchoMimic__Storage__ResultQueue";
    public const string WeightsDirectoryVariable = "EchoMimic__Weights__Directory";
    public const string PipelineVariable = "EchoMimic__Weights__Pipeline";
    public const string DemoWeightsVariable = "EchoMimic__Weights__Demo";
    public const string LoopsVariable = "EchoMimic__Worker__Loops";
    public const string HealthPortVariable = "EchoMimic__Worker__HealthPort";
    public const string ProvisionVariable = "EchoMimic__Storage__Provision";

    /// <summary><c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, or null: cuda when available (<see cref="WorkerDevice"/>).</summary>
    public string? Device { get; init; }

    /// <summary>
    /// <c>EchoMimic__Worker__Precision</c>: fp32, bf16 or fp16, or null for the device's default (fp16 on CUDA; bf16 on
    /// CPUs with AVX-512 BF16, else fp32). Segments of a job that names another precision fail with a message naming it.
    /// </summary>
    public Precision? Precision { get; init; }

    /// <summary>
    /// Create storage containers/queues on first use: false by default, because in Azure bicep creates them and the
    /// worker's roles (Blob Data Reader/Contributor on single containers, Queue Data Message Sender) may not.
    /// </summary>
    public bool Provision { get; init; }

    public static WorkerSettings FromEnvironment() => Read(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings through <paramref name="variable"/> (the environment in production).</summary>
    public static WorkerSettings Read(Func<string, string?> variable)
    {
        string? Optional(string name) => variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        string Required(string name) => Optional(name) ?? throw new InputException(name, "is not set");

        int Integer(string name, int fallback, int min, int max)
        {
            var text = Optional(name);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new InputException(name, $"'{text}' is not an integer in [{min}, {max}]");
            }

            return value;
        }

        bool Flag(string name)
        {
            var text = Optional(name);
            if (text is null) return false;
            return bool.TryParse(text, out var value) ? value : throw new InputException(name, $"'{text}' is not true or false");
        }

        var account = Required(StorageAccountVariable);
        // A storage account name is 3-24 lowercase letters and digits; anything else would only fail at the first request.
        if (account.Length is < 3 or > 24 || !account.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new InputException(StorageAccountVariable, $"'{account}' is not a storage account name (3-24 lowercase letters and digits)");
        }

        var ns = Required(ServiceBusNamespaceVariable);
        if (ns.Contains("://", StringComparison.Ordinal) || ns.Contains('/', StringComparison.Ordinal) || !ns.Contains('.', StringComparison.Ordinal))
        {
            throw new InputException(ServiceBusNamespaceVariable, $"'{ns}' is not a fully qualified namespace (like sb-x.servicebus.windows.net)");
        }

        var pipeline = Optional(PipelineVariable)?.ToLowerInvariant() ?? "standard";
        if (pipeline is not ("standard" or "accelerated"))
        {
            throw new InputException(PipelineVariable, $"'{pipeline}' is neither standard nor accelerated");
        }

        return new WorkerSettings(
            account,
            ns,
            Optional(SegmentQueueVariable) ?? "segments",
            Integer(MaxDeliveryCountVariable, 5, 1, 100),
            Optional(ResultQueueVariable) ?? "segment-results",
            Optional(WeightsDirectoryVariable) ?? "/weights",
            pipeline == "accelerated",
            Flag(DemoWeightsVariable),
            Integer(LoopsVariable, 1, 1, 64),
            Integer(HealthPortVariable, 8080, 1, 65535),
            // Container Apps sets HOSTNAME to the replica name: results then say which replica rendered a segment.
            Optional("HOSTNAME") ?? Environment.MachineName)
        {
            Device = WorkerDevice.Validate(Optional(WorkerDevice.Variable)),
            Precision = Optional(TorchPrecision.Variable) is { } precision ? PrecisionNames.Parse(precision, TorchPrecision.Variable) : null,
            Provision = Flag(ProvisionVariable),
        };
    }

    public Uri BlobEndpoint => new($"https://{StorageAccountName}.blob.core.windows.net");

    public Uri QueueEndpoint => new($"https://{StorageAccountName}.queue.core.windows.net");
}
