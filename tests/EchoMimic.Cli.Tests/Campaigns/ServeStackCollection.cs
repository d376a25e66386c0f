namespace EchoMimic.Cli.Tests.Campaigns;

/// <summary>The test classes that share one <see cref="ServeStackFixture"/> (and so run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class ServeStackCollection : ICollectionFixture<ServeStackFixture>
{
    public const string Name = "serve stack";
}
