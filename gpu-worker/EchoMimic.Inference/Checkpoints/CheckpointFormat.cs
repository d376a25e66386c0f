namespace EchoMimic.Inference.Checkpoints;

/// <summary>The container of a checkpoint file.</summary>
public enum CheckpointFormat
{
    /// <summary><c>torch.save</c> zip archive (default since torch 1.6): <c>&lt;prefix&gt;/data.pkl</c> + <c>&lt;prefix&gt;/data/&lt;key&gt;</c>.</summary>
    TorchZip,

    /// <summary><c>torch.save(..., _use_new_zipfile_serialization=False)</c>: five pickles, then the storages back to back.</summary>
    TorchLegacy,

    /// <summary>safetensors: header length, JSON header, raw data.</summary>
    Safetensors,
}
