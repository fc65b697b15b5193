using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline invoke FUNCTION --event FILE.json</c>: runs one invocation of a published function
/// through the local Lambda service, the way <c>sam local invoke</c> does. Prints the response on
/// stdout (exit 0) or the error document (exit 1); the function's own output goes to stderr.
/// </summary>
internal static class InvokeCommand
{
    public static Command Create()
    {
        var function = new Argument<string>("function")
        {
            Description = "The function: its logical id in template.yaml (NormalizeTriggerFunction) or its handler (NormalizeTrigger)",
        };
        var eventFile = new Option<FileInfo?>("--event", "-e")
        {
            Description = "A JSON file with the event to send ('-' reads stdin); {} when omitted",
        };
        var template = new Option<FileInfo?>("--template", "-t")
        {
            Description = "The SAM template that declares the function (default: template.yaml at the repository root)",
        };
        var command = new Command("invoke", "Invoke a published Lambda function locally with an event") { function, eventFile, template };
        command.SetAction((parse, cancel) => RunAsync(
            parse.GetValue(function)!, parse.GetValue(eventFile), parse.GetValue(template), cancel));
        return command;
    }

    private static async Task<int> RunAsync(string name, FileInfo? eventFile, FileInfo? templateFile, CancellationToken cancel)
    {
        var template = templateFile?.FullName ?? Path.Combine(RepositoryRoot.Path, "template.yaml");
        if (!File.Exists(template))
        {
            return Fail($"no template at {template}");
        }

        var functions = TemplateFunctions.Load(template);
        var match = functions.FirstOrDefault(f => f.Name == name || Path.GetFileNameWithoutExtension(f.Handler) == name);
        if (match is null)
        {
            var known = string.Join(", ", functions.Select(f => $"{f.Name} ({Path.GetFileNameWithoutExtension(f.Handler)})"));
            return Fail($"{template} declares no function '{name}'. Functions: {known}");
        }

        if (!match.IsPublished)
        {
            return Fail($"{match.Name} is not published: {match.Handler} does not exist. Run ./build.sh package first.");
        }

        byte[] payload;
        try
        {
            payload = eventFile is null ? "{}"u8.ToArray()
                : eventFile.Name == "-" ? Encoding.UTF8.GetBytes(await Console.In.ReadToEndAsync(cancel))
                : await File.ReadAllBytesAsync(eventFile.FullName, cancel);
            using var _ = JsonDocument.Parse(payload);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return Fail($"--event {eventFile?.FullName}: {ex.Message}");
        }

        await using var lambda = new LocalLambdaService([match], new LocalLambdaOptions
        {
            Log = (fn, line) => Console.Error.WriteLine($"{fn} | {line}"),
        });
        var result = await lambda.InvokeAsync(match.Name, payload, cancel);
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(result.Payload, cancel);
        await stdout.WriteAsync("\n"u8.ToArray(), cancel);
        return result.IsError ? 1 : 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"pipeline invoke: {message}");
        return 2;
    }
}
