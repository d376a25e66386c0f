using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.Networks.Whisper;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>whisper_encoder</c>: <c>AudioEncoder.forward(mel, include_embeddings=True)</c>.</summary>
public sealed class WhisperEncoderCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["whisper_encoder"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        using var encoder = new WhisperAudioEncoder(WhisperEncoderConfig.FromJson(fixture.Config));
        StateDictLoader.Load(encoder, fixture.StateDict(), sourceName: fixture.Path);
        encoder.eval();
        using var _ = no_grad();
        var encoding = encoder.Encode(fixture.Input("mel"));
        return new Dictionary<string, Tensor> { ["output"] = encoding.Output, ["embeddings"] = encoding.Embeddings };
    }
}
