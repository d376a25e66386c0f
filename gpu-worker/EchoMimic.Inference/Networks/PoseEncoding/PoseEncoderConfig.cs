namespace EchoMimic.Inference.Networks.PoseEncoding;

/// <summary>
/// Constructor arguments of the official <c>src/models/pose_encoder.py PoseEncoder</c>
/// (<c>conditioning_embedding_channels</c>, <c>conditioning_channels</c>, <c>block_out_channels</c>).
/// </summary>
public sealed record PoseEncoderConfig
{
    public int ConditioningEmbeddingChannels { get; init; } = 320;
    public int ConditioningChannels { get; init; } = 3;
    public int[] BlockOutChannels { get; init; } = [16, 32, 96, 256];

    /// <summary><c>infer.py</c>: <c>PoseEncoder(320, conditioning_channels=3, block_out_channels=(16, 32, 96, 256))</c>.</summary>
    public static readonly PoseEncoderConfig Official = new();

    public static PoseEncoderConfig FromJson(System.Text.Json.JsonElement json) => ModuleConfigJson.Read<PoseEncoderConfig>(json);
}
