using EchoMimic.Inference.Parity;

namespace EchoMimic.Inference.Tests;

/// <summary>One test case per golden fixture file; the same checks as <c>echomimic parity</c>.</summary>
public sealed class ParityTests
{
    private static readonly ParityRunner Runner = ParityRunner.Discover();

    public static TheoryData<string> Networks => FixtureFiles.Under("networks");
    public static TheoryData<string> Pipeline => FixtureFiles.Under("pipeline");
    public static TheoryData<string> DwPose => FixtureFiles.Under("dwpose");

    [Theory, MemberData(nameof(Networks))]
    public void Network_fixture_matches_official_output(string fixture) => Check(fixture);

    [Theory, MemberData(nameof(Pipeline))]
    public void Pipeline_fixture_matches_official_output(string fixture) => Check(fixture);

    [Theory, MemberData(nameof(DwPose))]
    public void DwPose_fixture_matches_official_output(string fixture) => Check(fixture);

    private static void Check(string fixture)
    {
        var path = FixtureFiles.Require(fixture);
        var result = Runner.Check(path);
        if (result.Status == ParityStatus.Skip) Assert.Skip($"component '{result.Component}' is not implemented yet");
        Assert.True(result.Status == ParityStatus.Pass, result.Line(FixtureFiles.Root));
    }
}
