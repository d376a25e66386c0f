using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks;

/// <summary>
/// Base for modules that register every child explicitly under its official state-dict name
/// (<c>register_module("to_q", ...)</c>). TorchSharp would otherwise also register private fields by their C# field
/// names when the module is attached to a parent, duplicating every key under a non-official name.
/// </summary>
public abstract class ExplicitModule<TIn, TOut>(string name) : nn.Module<TIn, TOut>(name)
{
    protected override void RegisterComponents() { }
}
