using Precision = EchoMimic.Core.Jobs.Precision;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Pipeline;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>
/// Fixture components <c>pipeline</c> and <c>pipeline_acc</c>: the whole official pipeline at tiny random configs,
/// from the fixture's reference image, audio samples, pose maps and injected initial latents.
/// </summary>
public sealed class PipelineCheck : IPrecisionCheck
{
    public IReadOnlyCollection<string> Components => ["pipeline", "pipeline_acc"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture) => Run(fixture, Precision.Fp32);

    /// <summary>The pipeline with its networks in <paramref name="precision"/>; scheduler, noise and latents stay float32.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture, Precision precision)
    {
        var config = fixture.Config;
        var settings = new RenderSettings
        {
            Width = config.GetProperty("width").GetInt32(),
            Height = config.GetProperty("height").GetInt32(),
            Steps = config.GetProperty("num_inference_steps").GetInt32(),
            GuidanceScale = config.GetProperty("guidance_scale").GetDouble(),
            Seed = config.GetProperty("seed").GetInt64(),
            Fps = config.GetProperty("fps").GetDouble(),
            ContextFrames = config.GetProperty("context_frames").GetInt32(),
            ContextOverlap = config.GetProperty("context_overlap").GetInt32(),
            Accelerated = fixture.Component == "pipeline_acc",
        };
        using var models = PipelineModels.FromFixture(fixture, precision);
        var noiseShape = config.GetProperty("noise_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();

        var referenceTensor = InputPreparation.ReferenceTensor(fixture.Input("ref_image"));
        var poseMaps = fixture.Input("poses_u8").to_type(ScalarType.Float32) / 255.0f;
        using var audio = new AudioFeatureExtractor(models.Whisper).Extract(fixture.Input("audio").data<float>().ToArray(), settings.Fps);
        // Not disposed here: its tensors are outputs (the parity runner's dispose scope owns them).
        var prepared = InputPreparation.Prepare(models, fixture.Input("ref_image"), audio, poseMaps);

        var steps = new List<Tensor>();
        var renderer = new SegmentRenderer(models) { StepCompleted = (_, _, latents) => steps.Add(latents.clone()) };
        var final = renderer.Denoise(prepared, fixture.Input("initial_latents"), settings);
        var video = renderer.Decode(final);

        return new Dictionary<string, Tensor>
        {
            ["official_noise_prefix_fp32"] = InitialNoise.OfficialDraw(settings.Seed, noiseShape).flatten().narrow(0, 0, 64),
            ["audio_fea_final"] = prepared.AudioChunks,
            ["pose_features"] = prepared.PoseFeatures,
            ["ref_image_tensor"] = referenceTensor,
            ["ref_image_latents"] = prepared.ReferenceLatents,
            ["latents_per_step"] = stack(steps),
            ["final_latents"] = final,
            ["video"] = video,
        };
    }
}
