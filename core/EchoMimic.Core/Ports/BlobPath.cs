namespace EchoMimic.Core.Ports;

/// <summary>
/// A blob's address: a container (<see cref="BlobContainers"/>) and a '/'-separated name inside it. The same
/// address works on the file system (a folder per container) and on Azure Blob Storage.
/// </summary>
public readonly record struct BlobPath
{
    public BlobPath(string container, string name)
    {
        if (string.IsNullOrWhiteSpace(container) || container.Contains('/'))
        {
            throw new ArgumentException($"invalid container '{container}'", nameof(container));
        }

        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('/') || name.Contains('\\')
            || name.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"invalid blob name '{name}'", nameof(name));
        }

        Container = container;
        Name = name;
    }

    public string Container { get; }

    public string Name { get; }

    /// <summary>Parses "container/name/with/slashes" as written in job specs and logs.</summary>
    public static BlobPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
        {
            throw new FormatException($"'{path}' is not of the form container/name");
        }

        return new BlobPath(path[..slash], path[(slash + 1)..]);
    }

    public static bool TryParse(string? path, out BlobPath result)
    {
        result = default;
        if (path is null)
        {
            return false;
        }

        try
        {
            result = Parse(path);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    public BlobPath Sibling(string name) =>
        new(Container, Name.Contains('/') ? Name[..(Name.LastIndexOf('/') + 1)] + name : name);

    public override string ToString() => $"{Container}/{Name}";
}
