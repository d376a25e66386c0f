using System.Diagnostics.CodeAnalysis;

namespace EchoMimic.Tests.Support;

/// <summary>
/// What a test does when shared data it needs (the golden fixtures, the official samples, the weights manifest) is
/// absent: it skips, visibly, so a checkout without ../shared still runs the rest; with
/// <c>ECHOMIMIC_REQUIRE_FIXTURES=1</c> (set by build/test.sh, so in CI) it fails, so a run that lost its data
/// cannot come out green.
/// </summary>
public static class RequiredData
{
    public const string Variable = "ECHOMIMIC_REQUIRE_FIXTURES";

    public static bool IsRequired => IsRequiredBy(Environment.GetEnvironmentVariable(Variable));

    public static bool IsRequiredBy(string? value) => value is "1" or "true";

    /// <summary>Whether a test missing its data skips or fails.</summary>
    public static MissingData Outcome(bool required) => required ? MissingData.Fails : MissingData.Skips;

    /// <summary>Skips (or, when required, fails) the running test because <paramref name="what"/> is missing.</summary>
    [DoesNotReturn]
    public static void Missing(string what) => Missing(what, IsRequired);

    [DoesNotReturn]
    public static void Missing(string what, bool required)
    {
        if (Outcome(required) == MissingData.Fails) Assert.Fail($"{what}; {Variable}=1 requires it");
        Assert.Skip(what);
    }
}

public enum MissingData
{
    Skips,
    Fails,
}
