namespace EchoMimic.Core.Campaigns;

public enum ManifestFormat
{
    Csv,
    JsonLines,
}
