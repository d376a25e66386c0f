using EchoMimic.Cli.Local;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Cli.Tests.Gestures;

/// <summary>Poses the portrait with hand-placed persons instead of DWPose; counts its calls.</summary>
internal sealed class SyntheticPoser(params PersonPose[] persons) : IPreflightPoser
{
    public int Calls { get; private set; }

    public string Description => "synthetic keypoints";

    public PortraitAnalysis Analyse(RgbImage image, string input)
    {
        Calls++;
        return PortraitFraming.Choose(image, persons, input);
    }

    public void Dispose()
    {
    }
}
