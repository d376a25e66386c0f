using Microsoft.ML.OnnxRuntime;

namespace EchoMimic.Inference.DwPose;

/// <summary>Everything one image went through: detector boxes (empty: the whole image was used) and the poses.</summary>
public sealed record DwPoseDetection(PersonBoxes Boxes, IReadOnlyList<PersonPose> Persons, DwPoseDict Frame);

/// <summary>
/// dwpose_detector.py <c>DWposeDetector.__call__</c> on ONNX Runtime: YOLOX person boxes, then RTMPose whole-body once
/// PER PERSON with batch 1 (as the official models are used), assembled to OpenPose-18 + feet + face + hands.
/// Instances are not thread-safe per call order but ORT sessions are; one estimator can serve a pipeline.
/// </summary>
public sealed class DwPoseEstimator : IDisposable
{
    private readonly InferenceSession _detector;
    private readonly InferenceSession _pose;
    private readonly string _detectorInput;
    private readonly string _poseInput;
    private readonly string[] _poseOutputs;

    public string ExecutionProvider { get; }

    public DwPoseEstimator(string detectorPath, string posePath, bool preferGpu = false, int intraOpThreads = 0)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        ExecutionProvider = "CPU";
        if (preferGpu)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(0);
                ExecutionProvider = "CUDA";
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                // The CPU package has no CUDA provider: fall back, the caller reports ExecutionProvider.
            }
        }
        _detector = new InferenceSession(detectorPath, options);
        _pose = new InferenceSession(posePath, options);
        // onnxdet/onnxpose use the FIRST input name and all outputs in declaration order.
        _detectorInput = _detector.InputNames[0];
        _poseInput = _pose.InputNames[0];
        _poseOutputs = _pose.OutputNames.ToArray();
        var dims = _pose.InputMetadata[_poseInput].Dimensions;
        if (dims.Length != 4 || dims[2] != PoseCrop.InputHeight || dims[3] != PoseCrop.InputWidth)
            throw new InvalidDataException($"{posePath}: pose model input is [{string.Join(",", dims)}], expected [1,3,{PoseCrop.InputHeight},{PoseCrop.InputWidth}]");
    }

    public static DwPoseEstimator Open(DwPoseModelFiles files, bool preferGpu = false, int intraOpThreads = 0)
    {
        files.Require();
        return new DwPoseEstimator(files.Detector, files.Pose, preferGpu, intraOpThreads);
    }

    /// <summary>The raw 1x8400x85 detector output for a letterboxed input.</summary>
    public float[] RunDetector(float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, DetectorLetterbox.Size, DetectorLetterbox.Size]);
        using var outputs = _detector.Run(new RunOptions(), [_detectorInput], [value], _detector.OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>simcc_x (133x576) and simcc_y (133x768) for one person crop (batch 1).</summary>
    public (float[] SimccX, float[] SimccY) RunPose(float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, PoseCrop.InputHeight, PoseCrop.InputWidth]);
        using var outputs = _pose.Run(new RunOptions(), [_poseInput], [value], _poseOutputs);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    public DwPoseDetection Detect(RgbImage image)
    {
        var letterbox = DetectorLetterbox.Apply(image);
        // The official ratio is a python float; numpy divides the float32 boxes by it in float32.
        var boxes = DetectorDecoder.Decode(RunDetector(letterbox.Tensor), (float)letterbox.Ratio);
        var crops = PoseCrop.FromBoxes(image, boxes.Persons.Select(d => ((double)d.X1, (double)d.Y1, (double)d.X2, (double)d.Y2)).ToList());
        var persons = new List<PersonPose>(crops.Count);
        foreach (var crop in crops)
        {
            var (simccX, simccY) = RunPose(crop.Tensor);
            var (xy, scores) = SimccDecoder.Decode(simccX, simccY, crop.CenterX, crop.CenterY, crop.ScaleW, crop.ScaleH);
            persons.Add(PersonPose.FromMmpose133(xy, scores));
        }
        return new DwPoseDetection(boxes, persons, DwPoseDict.FromPersons(persons, image.Height, image.Width));
    }

    public void Dispose()
    {
        _detector.Dispose();
        _pose.Dispose();
    }
}
