using EchoMimic.Inference.Scheduling;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>ddim_scheduler</c>: betas, alphas_cumprod, trailing timesteps, step(), and the accelerated conversions.</summary>
public sealed class DdimSchedulerCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["ddim_scheduler"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var scheduler = new DdimScheduler();
        var outputs = new Dictionary<string, Tensor>
        {
            ["betas"] = tensor(scheduler.Betas),
            ["alphas_cumprod"] = tensor(scheduler.AlphasCumprod.ToArray()),
            ["init_noise_sigma"] = tensor(new[] { DdimScheduler.InitNoiseSigma }),
            ["final_alpha_cumprod"] = tensor(new[] { DdimScheduler.FinalAlphaCumprod }),
        };
        foreach (var name in fixture.Outputs.Where(o => o.StartsWith("timesteps_", StringComparison.Ordinal)))
        {
            scheduler.SetTimesteps(int.Parse(name["timesteps_".Length..], System.Globalization.CultureInfo.InvariantCulture));
            outputs[name] = tensor(scheduler.Timesteps);
        }

        var steps = fixture.Input("step_num_inference_steps").data<long>().ToArray();
        var timesteps = fixture.Input("step_timestep").data<long>().ToArray();
        var modelOutputs = fixture.Input("step_model_output");
        var samples = fixture.Input("step_sample");
        var prev = new List<Tensor>();
        var original = new List<Tensor>();
        var accX = new List<Tensor>();
        var accV = new List<Tensor>();
        for (int k = 0; k < steps.Length; k++)
        {
            scheduler.SetTimesteps((int)steps[k]);
            var v = modelOutputs[k];
            var x = samples[k];
            var result = scheduler.Step(v, timesteps[k], x);
            prev.Add(result.PrevSample);
            original.Add(result.PredOriginalSample);
            var x0 = VelocityConversion.OriginFromVelocity(v, x, scheduler, timesteps[k]);
            accX.Add(x0);
            accV.Add(VelocityConversion.PseudoVelocity(x, x0, scheduler, timesteps[k]));
        }
        outputs["step_prev_sample"] = stack(prev);
        outputs["step_pred_original_sample"] = stack(original);
        outputs["acc_x_pred"] = stack(accX);
        outputs["acc_pseudo_velocity"] = stack(accV);
        return outputs;
    }
}
