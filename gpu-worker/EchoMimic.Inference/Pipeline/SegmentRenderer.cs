using EchoMimic.Inference.Networks.Unet3d;
using EchoMimic.Inference.Scheduling;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// The denoising loop of <c>EchoMimicV2Pipeline.__call__</c> (<c>pipeline_echomimicv2.py</c>, and
/// <c>pipeline_echomimicv2_acc.py</c> when <see cref="RenderSettings.Accelerated"/>) and the frame-by-frame VAE
/// decode. The CLI renders a whole clip with it; the cloud's GPU worker renders a segment (a frame range of the
/// prepared inputs, <see cref="PreparedInputs.Slice"/>) with the same code.
/// </summary>
public sealed class SegmentRenderer
{
    private readonly PipelineModels _models;

    public SegmentRenderer(PipelineModels models)
    {
        _models = models;
    }

    /// <summary>Called after each scheduler step with (step index, step count, latents).</summary>
    public Action<int, int, Tensor>? StepCompleted { get; init; }

    /// <summary>Called after each decoded frame with (frame index, frame count).</summary>
    public Action<int, int>? FrameDecoded { get; init; }

    /// <summary>
    /// Renders frames [start, start + count) of the clip: initial noise for those frames (<see cref="InitialNoise"/>,
    /// by global frame index), denoising over that range alone, decoding. Returns the video (1, 3, count, H, W) in
    /// [0, 1] and the final latents (1, 4, count, H/8, W/8).
    /// </summary>
    public (Tensor Video, Tensor Latents) Render(PreparedInputs inputs, int start, int count, RenderSettings settings, CancellationToken cancellationToken = default)
    {
        using var segment = start == 0 && count == inputs.Frames ? null : inputs.Slice(start, count);
        var source = segment ?? inputs;
        using var cpuNoise = InitialNoise.Latents(settings.Noise, settings.Seed, inputs.Frames, start, count, settings.LatentHeight, settings.LatentWidth);
        using var noise = cpuNoise.to(_models.Device);
        var latents = Denoise(source, noise, settings, cancellationToken);
        var video = Decode(latents, cancellationToken);
        return (video, latents);
    }

    /// <summary>The denoising loop from the given initial latents (1, 4, F, h, w); returns the final latents.</summary>
    public Tensor Denoise(PreparedInputs inputs, Tensor initialLatents, RenderSettings settings, CancellationToken cancellationToken = default)
    {
        using var noGrad = no_grad();
        var scheduler = new DdimScheduler();
        scheduler.SetTimesteps(settings.Steps);
        bool cfg = settings.ClassifierFreeGuidance;
        int frames = (int)initialLatents.shape[2];
        var queue = ContextWindows.ForPipeline(frames, settings.ContextFrames, settings.ContextOverlap);

        // Step 0 of the official loop: the reference UNet writes its bank once (timestep 0, batch 1); update() copies
        // it to the reader blocks, duplicated for CFG and cast to float16.
        using var writer = _models.ReferenceUnet.WriteBank(inputs.ReferenceLatents);
        using var bank = ReferenceAttentionControl.Update(writer, _models.DenoisingUnet, cfg);

        var latents = initialLatents.clone();
        var timesteps = scheduler.Timesteps;
        for (int i = 0; i < timesteps.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = Step(inputs, latents, scheduler, i, queue, bank, settings, cancellationToken);
            latents.Dispose();
            latents = next;
            StepCompleted?.Invoke(i, timesteps.Length, latents);
        }
        return latents;
    }

    /// <summary>One denoising step over every (shifted) context window; returns the next latents (owned by the caller).</summary>
    private Tensor Step(PreparedInputs inputs, Tensor latents, DdimScheduler scheduler, int stepIndex, IReadOnlyList<int[]> queue,
        ReaderBank bank, RenderSettings settings, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        long t = scheduler.Timesteps[stepIndex];
        bool cfg = settings.ClassifierFreeGuidance;
        int frames = (int)latents.shape[2];
        // Everything the loop creates lives on the latents' device (the models' device: PipelineModels.MoveTo).
        var device = latents.device;
        var noisePred = zeros([cfg ? 2 : 1, latents.shape[1], frames, latents.shape[3], latents.shape[4]], latents.dtype, device);
        var counter = zeros([1, 1, frames, 1, 1], latents.dtype, device);
        var timestep = tensor(t, ScalarType.Int64, device);
        foreach (var window in ContextWindows.Shifted(queue, stepIndex, frames))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var windowScope = NewDisposeScope();
            var index = tensor(window.Select(f => (long)f).ToArray(), device: device);
            var x = latents.index_select(2, index);
            var audio = inputs.AudioChunks.index_select(1, index);
            var pose = inputs.PoseFeatures.index_select(2, index);
            if (cfg)
            {
                // The unconditional half comes first and gets zero audio and zero pose features.
                x = cat([x, x], 0);
                audio = cat([zeros_like(audio), audio], 0);
                pose = cat([zeros_like(pose), pose], 0);
            }
            var prediction = _models.DenoisingUnet.forward(x, timestep, audio, pose, bank);
            if (settings.Accelerated) prediction = VelocityConversion.Apply(prediction, x, scheduler, t);
            noisePred.index_add_(2, index, prediction.to_type(latents.dtype), 1);
            counter.index_add_(2, index, ones([1, 1, window.Length, 1, 1], latents.dtype, device), 1);
        }
        // The accelerated pipeline always averages; the standard one only inside its CFG branch (it cannot run
        // without CFG), so averaging always is the same for every run the official code completes.
        noisePred = noisePred / counter;
        if (cfg)
        {
            var halves = noisePred.chunk(2, 0);
            noisePred = halves[0] + (halves[1] - halves[0]) * settings.GuidanceScale;
        }
        return scheduler.Step(noisePred, t, latents).PrevSample.MoveToOuterDisposeScope();
    }

    /// <summary><c>decode_latents</c>: latents * (1 / 0.18215), VAE-decoded one frame at a time, (x / 2 + 0.5).clamp(0, 1) -> (1, 3, F, H, W).</summary>
    public Tensor Decode(Tensor latents, CancellationToken cancellationToken = default)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var scaled = latents * (1.0 / _models.VaeScale);
        int frames = (int)latents.shape[2];
        var decoded = new List<Tensor>(frames);
        for (int f = 0; f < frames; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The VAE runs in the models' precision; frames are gathered in float32.
            decoded.Add(_models.Vae.Decode(scaled.select(2, f)).to_type(ScalarType.Float32));
            FrameDecoded?.Invoke(f, frames);
        }
        var video = stack(decoded, 2);
        return (video / 2 + 0.5).clamp(0, 1).MoveToOuterDisposeScope();
    }
}
