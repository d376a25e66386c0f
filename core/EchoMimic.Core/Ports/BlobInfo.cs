namespace EchoMimic.Core.Ports;

/// <summary>What a store knows about a committed blob.</summary>
public sealed record BlobInfo(BlobPath Path, long Length, DateTimeOffset LastModified);
