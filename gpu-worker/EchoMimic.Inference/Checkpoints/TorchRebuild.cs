namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// The callables a <c>torch.save</c> pickle invokes by <c>REDUCE</c>, interpreted without running code
/// (torch/_utils.py <c>_rebuild_tensor_v2</c>, <c>_rebuild_tensor_v3</c>, <c>_rebuild_parameter</c>,
/// torch/_tensor.py <c>_rebuild_from_type_v2</c>). Others are left to <see cref="PickleMachine"/> as inert objects.
/// </summary>
internal static class TorchRebuild
{
    public static object? Reduce(PickleGlobal callable, PickleTuple args) => callable.FullName switch
    {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]); the hooks are an
        // empty OrderedDict in every saved tensor and cannot be restored without Python anyway.
        "torch._utils._rebuild_tensor_v2" => Tensor(args, dtype: null),
        "torch._utils._rebuild_tensor" => Tensor(args, dtype: null),
        // torch 2.x: (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata]).
        "torch._utils._rebuild_tensor_v3" => Tensor(args, dtype: args.Count > 6 && args[6] is PickleGlobal g ? TorchDTypes.FromDTypeName(g.Name) : null),
        // nn.Parameter saved directly: (data, requires_grad, backward_hooks[, state]): the data is the tensor.
        "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state" => args.Count > 0 ? args[0] : null,
        // Tensor subclasses: (func, new_type, args, state): rebuild the plain tensor with func(*args).
        "torch._tensor._rebuild_from_type_v2" when args.Count >= 3 && args[0] is PickleGlobal inner && args[2] is PickleTuple innerArgs => Reduce(inner, innerArgs),
        "torch.Size" => args.Count == 1 ? args[0] : null,
        "builtins.set" or "__builtin__.set" or "builtins.frozenset" => args.Count == 1 && args[0] is List<object?> items ? items : new List<object?>(),
        _ when IsInert(callable) => null,
        // What torch.load(weights_only=True) refuses: a pickle that calls os.system, eval, getattr, ... is no
        // checkpoint. Nothing is ever run here, but such a file is hostile or broken and is refused, naming the call.
        _ => throw new InvalidDataException($"the pickle calls {callable.FullName}, which no checkpoint needs (refused, as torch.load(weights_only=True) does)"),
    };

    private static readonly HashSet<string> InertBuiltins = new(StringComparer.Ordinal)
    {
        "dict", "list", "tuple", "frozenset", "set", "int", "float", "complex", "str", "bytes", "bytearray", "bool", "slice", "range",
    };

    /// <summary>Callables a saved model may name that carry data only (torch and numpy types, codecs.encode of protocol 2 bytes, the argparse.Namespace of training scripts).</summary>
    private static bool IsInert(PickleGlobal callable) =>
        callable.Module is "torch" or "collections" or "_codecs" or "numpy" || callable.FullName == "argparse.Namespace"
        || callable.Module.StartsWith("torch.", StringComparison.Ordinal) || callable.Module.StartsWith("numpy.", StringComparison.Ordinal)
        || (callable.Module is "builtins" or "__builtin__" && InertBuiltins.Contains(callable.Name));

    private static LazyTensor Tensor(PickleTuple args, TorchSharp.torch.ScalarType? dtype)
    {
        if (args.Count < 4 || args[0] is not TorchStorage storage)
            throw new InvalidDataException("_rebuild_tensor: expected (storage, offset, size, stride, ...)");
        if (dtype is { } d) storage = storage.As(d);
        var offset = args[1] as long? ?? throw new InvalidDataException("_rebuild_tensor: storage offset is not an int");
        var size = Ints(args[2], "size");
        var stride = Ints(args[3], "stride");
        var requiresGrad = args.Count > 4 && args[4] is true;
        return new LazyTensor(storage, offset, size, stride, requiresGrad);
    }

    private static long[] Ints(object? value, string what) => value switch
    {
        PickleTuple t => t.Select(v => v as long? ?? throw new InvalidDataException($"_rebuild_tensor: {what} holds {v}")).ToArray(),
        long single => [single],
        _ => throw new InvalidDataException($"_rebuild_tensor: {what} is not a tuple"),
    };
}
