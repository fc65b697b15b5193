using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;

namespace Pipeline.Aws.Tests.Routing;

/// <summary>Real dynalite and s3rver processes on free loopback ports, with SDK clients pointed at them.</summary>
public sealed class RoutingEmulators : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "pipeline-s3-" + Guid.NewGuid().ToString("N"));

    public IAmazonDynamoDB Dynamo { get; private set; } = null!;

    public IAmazonS3 S3 { get; private set; } = null!;

    public Uri S3Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var bin = Path.Combine(RepoRoot(), "local", "emulators", "node_modules", ".bin");
        var dynamoPort = FreePort();
        await StartAsync(Path.Combine(bin, "dynalite"), ["--host", "127.0.0.1", "--port", dynamoPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--createTableMs", "0"], dynamoPort);
        var s3Port = FreePort();
        Directory.CreateDirectory(_dataDir);
        await StartAsync(Path.Combine(bin, "s3rver"), ["-d", _dataDir, "-a", "127.0.0.1", "-p", s3Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--no-vhost-buckets"], s3Port);

        var credentials = new BasicAWSCredentials("S3RVER", "S3RVER");
        Dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = $"http://127.0.0.1:{dynamoPort}", AuthenticationRegion = "us-east-1" });
        S3Endpoint = new Uri($"http://127.0.0.1:{s3Port}");
        S3 = new AmazonS3Client(credentials, new AmazonS3Config
        {
            ServiceURL = S3Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public async Task<string> CreateBucketAsync()
    {
        var name = "routes-" + Guid.NewGuid().ToString("N")[..12];
        await S3.PutBucketAsync(name);
        return name;
    }

    public async Task<string> CreateTableAsync()
    {
        var name = "registry-" + Guid.NewGuid().ToString("N")[..12];
        await Dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        for (var i = 0; i < 100 && (await Dynamo.DescribeTableAsync(name)).Table.TableStatus != TableStatus.ACTIVE; i++)
        {
            await Task.Delay(50);
        }

        return name;
    }

    public Task DisposeAsync()
    {
        Dynamo?.Dispose();
        S3?.Dispose();
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }

        return Task.CompletedTask;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task StartAsync(string file, string[] args, int port)
    {
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"{file} is missing: run 'cd local/emulators && npm ci' (./build.sh setup does it)");
        }

        var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = false, RedirectStandardError = false })!;
        _processes.Add(process);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode} before listening on {port}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{Path.GetFileName(file)} did not listen on {port} within 30 s");
    }
}
