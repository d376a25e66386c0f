using Azure;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>
/// A container, queue or table that an adapter running without provisioning (in Azure: bicep creates every resource
/// and the apps' data-plane roles may not create any) does not find. Names the resource, so a deployment that
/// missed or misnamed one fails with that name instead of a bare 404 (or a 403 from a create it may not do).
/// </summary>
public sealed class MissingStorageResourceException(string kind, string name, Exception? inner = null)
    : InvalidOperationException($"storage {kind} '{name}' does not exist. In Azure it is created by bicep/modules/storage.bicep "
        + "and the apps do not create storage resources (provision: false): deploy the templates, or fix the name.", inner)
{
    public string Kind { get; } = kind;

    public string Name { get; } = name;

    /// <summary>The service's error codes for a missing container, queue or table (Azure Storage and Azurite).</summary>
    public static bool IsMissing(RequestFailedException e) =>
        e?.ErrorCode is "ContainerNotFound" or "QueueNotFound" or "TableNotFound";
}
