namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>Where build outputs are uploaded: S3 (s3rver locally) or, for unit tests, a folder.</summary>
public interface IArtifactBucket
{
    Task PutFileAsync(string bucket, string key, string filePath, string contentType, CancellationToken cancellationToken);

    /// <summary>Downloads an object to a file; a missing object is a <see cref="FileNotFoundException"/>.</summary>
    Task GetFileAsync(string bucket, string key, string filePath, CancellationToken cancellationToken);
}

/// <summary>Stores objects as files under <c>{root}/{bucket}/{key}</c>.</summary>
public sealed class FolderArtifactBucket(string root) : IArtifactBucket
{
    public async Task PutFileAsync(string bucket, string key, string filePath, string contentType, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(Path.Combine(root, bucket, key));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var source = File.OpenRead(filePath);
        await using var destination = File.Create(target);
        await source.CopyToAsync(destination, cancellationToken);
    }

    public async Task GetFileAsync(string bucket, string key, string filePath, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(Path.Combine(root, bucket, key));
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"no object s3://{bucket}/{key}", source);
        }

        await using var input = File.OpenRead(source);
        await using var output = File.Create(filePath);
        await input.CopyToAsync(output, cancellationToken);
    }
}
