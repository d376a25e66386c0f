using System.Text.Json;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// Demo weights: the full pipeline at the tiny module configuration of the <c>pipeline_01</c> golden fixture (2 UNet
/// levels of width 32, an 8-channel VAE, a 32-wide 5-layer whisper encoder), every parameter drawn from a seeded
/// generator. Every stage runs and is tested without the official checkpoints; the video is not meaningful.
/// </summary>
public static class DemoWeights
{
    public const long DefaultSeed = 20241115;

    /// <summary>Render size used with demo weights when none is given.</summary>
    public const int DefaultSize = 256;

    public const string ModuleConfigs = """
{
 "vae": {
  "in_channels": 3,
  "out_channels": 3,
  "down_block_types": [
   "DownEncoderBlock2D",
   "DownEncoderBlock2D",
   "DownEncoderBlock2D",
   "DownEncoderBlock2D"
  ],
  "up_block_types": [
   "UpDecoderBlock2D",
   "UpDecoderBlock2D",
   "UpDecoderBlock2D",
   "UpDecoderBlock2D"
  ],
  "block_out_channels": [
   8,
   8,
   8,
   8
  ],
  "layers_per_block": 1,
  "act_fn": "silu",
  "latent_channels": 4,
  "norm_num_groups": 4,
  "sample_size": 64
 },
 "reference_unet": {
  "sample_size": 8,
  "in_channels": 4,
  "out_channels": 4,
  "block_out_channels": [
   32,
   32
  ],
  "layers_per_block": 1,
  "norm_num_groups": 32,
  "attention_head_dim": 2,
  "flip_sin_to_cos": true,
  "freq_shift": 0,
  "cross_attention_dim": 16,
  "down_block_types": [
   "CrossAttnDownBlock2D",
   "DownBlock2D"
  ],
  "up_block_types": [
   "UpBlock2D",
   "CrossAttnUpBlock2D"
  ],
  "mid_block_type": "UNetMidBlock2DCrossAttn"
 },
 "denoising_unet": {
  "sample_size": 8,
  "in_channels": 4,
  "out_channels": 4,
  "block_out_channels": [
   32,
   32
  ],
  "layers_per_block": 1,
  "norm_num_groups": 32,
  "attention_head_dim": 2,
  "flip_sin_to_cos": true,
  "freq_shift": 0,
  "cross_attention_dim": 384,
  "down_block_types": [
   "CrossAttnDownBlock3D",
   "DownBlock3D"
  ],
  "up_block_types": [
   "UpBlock3D",
   "CrossAttnUpBlock3D"
  ],
  "mid_block_type": "UNetMidBlock3DCrossAttn",
  "use_inflated_groupnorm": true,
  "unet_use_cross_frame_attention": false,
  "unet_use_temporal_attention": false,
  "use_motion_module": true,
  "motion_module_resolutions": [
   1,
   2,
   4,
   8
  ],
  "motion_module_mid_block": true,
  "motion_module_decoder_only": false,
  "motion_module_type": "Vanilla",
  "motion_module_kwargs": {
   "num_attention_heads": 2,
   "num_transformer_block": 1,
   "attention_block_types": [
    "Temporal_Self",
    "Temporal_Self"
   ],
   "temporal_position_encoding": true,
   "temporal_position_encoding_max_len": 32,
   "temporal_attention_dim_div": 1
  }
 },
 "pose_encoder": {
  "conditioning_embedding_channels": 32,
  "conditioning_channels": 3,
  "block_out_channels": [
   4,
   8,
   8,
   16
  ]
 },
 "whisper": {
  "n_mels": 80,
  "n_audio_ctx": 1500,
  "n_vocab": 8,
  "n_text_ctx": 4,
  "n_text_state": 8,
  "n_text_head": 1,
  "n_text_layer": 0,
  "n_audio_state": 32,
  "n_audio_head": 2,
  "n_audio_layer": 5
 }
}
""";

    public static PipelineModels Create(long seed = DefaultSeed)
    {
        using var document = JsonDocument.Parse(ModuleConfigs);
        var models = PipelineModels.FromModuleConfigs(document.RootElement, $"demo (seed {seed}, pipeline_01 configs)", isDemo: true);
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var module in new TorchSharp.torch.nn.Module[] { models.Vae, models.ReferenceUnet, models.DenoisingUnet, models.PoseEncoder, models.Whisper })
                foreach (var (_, parameter) in module.named_parameters())
                {
                    // Weights ~ N(0, 1/fan_in) keep activations in range through the random stack; norms stay near 1,
                    // biases small. Zero-initialised layers (pose encoder conv_out, motion-module proj_out) get values too,
                    // so pose and motion actually reach the output.
                    if (parameter.dim() >= 2)
                    {
                        long fanIn = parameter.NumberOfElements / parameter.shape[0];
                        using var draw = randn(parameter.shape, parameter.dtype, generator: generator);
                        parameter.copy_(draw * (1.0 / Math.Sqrt(fanIn)));
                    }
                    else
                    {
                        using var draw = randn(parameter.shape, parameter.dtype, generator: generator);
                        bool isScale = parameter.NumberOfElements > 0 && parameter.abs().min().item<float>() > 0.5f;
                        parameter.copy_(isScale ? 1.0 + draw * 0.05 : draw * 0.02);
                    }
                }
        }
        models.Eval();
        return models;
    }
}
