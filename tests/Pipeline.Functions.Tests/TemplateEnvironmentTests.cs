using System.Diagnostics;
using System.Globalization;
using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Functions.Tests;

/// <summary>
/// On AWS a function sees only what template.yaml gives it (Globals plus its own
/// Environment.Variables) and what Lambda itself sets: no endpoint overrides, none of the local
/// stack's own settings. Every function the template names, published, must start under exactly
/// that and answer a bad event with Pipeline.InvalidInput; one that reads anything more fails at
/// init on every deploy, which nothing else here would show.
/// </summary>
public sealed class TemplateEnvironmentTests
{
    private const string Region = "us-east-1";

    // Nothing here may reach AWS: should a function call out, the call goes through this "proxy",
    // a closed loopback port, and fails instead of leaving the machine. The Runtime API is loopback
    // and bypasses it.
    private const string NoWhere = "http://127.0.0.1:1";

    public static TheoryData<string> Functions()
    {
        var data = new TheoryData<string>();
        foreach (var function in Template().Functions)
        {
            data.Add(function.LogicalId);
        }

        return data;
    }

    [Fact]
    public void Functions_ShouldBeEveryFunctionTheTemplateNames()
    {
        // Guards the enumeration itself: a template reader that found none would make the theory vacuous.
        var names = ((IEnumerable<object[]>)Functions()).Select(row => (string)row[0]).ToList();

        Assert.Contains("RetireVersionFunction", names);
        Assert.Contains("LaunchInstancesFunction", names);
        Assert.True(names.Count >= 11, $"only {names.Count} functions read from template.yaml: {string.Join(", ", names)}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task Start_WhenGivenOnlyTheTemplateEnvironment_ShouldInitAndAnswerAnInvalidEventWithInvalidInput(string logicalId)
    {
        var function = Template().Function(logicalId);
        var published = await FunctionBinaries.PublishedAsync(logicalId, AppContext.BaseDirectory);
        await using var api = await FakeRuntimeApi.StartAsync();
        var output = new StringBuilder();
        using var process = Start(published.Handler, LambdaEnvironment(function, published.TaskRoot, api.Address), output);
        try
        {
            api.Enqueue("bad-event", """["not", "an", "event"]""");
            var answer = api.NextAnswerAsync();
            if (await Task.WhenAny(answer, process.WaitForExitAsync()) != answer)
            {
                Assert.Fail($"{logicalId} exited with {process.ExitCode} before answering; init errors: "
                    + $"[{string.Join(", ", api.InitErrors.Select(e => e.Body))}]; output:\n{Text(output)}");
            }

            var error = await answer;
            Assert.Empty(api.InitErrors);
            Assert.True(error.Kind == "error", $"{logicalId} answered {error.Kind}: {error.Body}");
            var document = JsonDocument.Parse(error.Body).RootElement;
            Assert.True(
                document.GetProperty("errorType").GetString() == "Pipeline.InvalidInput",
                $"{logicalId}: {error.Body}\noutput:\n{Text(output)}");
            Assert.False(process.HasExited, $"{logicalId} exited after answering; output:\n{Text(output)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>The template as the local stack reads it, with stand-ins for the parameters only an AWS account can fill.</summary>
    private static SamTemplate Template() =>
        SamTemplate.Load(Path.Combine(FunctionBinaries.RepositoryRoot, "template.yaml"));

    /// <summary>
    /// What the function's sandbox holds on AWS: the template's variables, and what Lambda sets for
    /// the dotnet10 runtime (the execution role's credentials are stand-ins). Nothing else.
    /// </summary>
    private static Dictionary<string, string> LambdaEnvironment(FunctionDescription function, string taskRoot, string runtimeApi)
    {
        var environment = new Dictionary<string, string>(function.Environment, StringComparer.Ordinal)
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi,
            ["AWS_LAMBDA_FUNCTION_NAME"] = function.Name,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemorySize.ToString(CultureInfo.InvariantCulture),
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{function.Name}",
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/12/04/[$LATEST]0123456789abcdef",
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand",
            ["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10",
            ["AWS_REGION"] = Region,
            ["AWS_DEFAULT_REGION"] = Region,
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLESTANDIN00",
            ["AWS_SECRET_ACCESS_KEY"] = "stand-in-secret-for-a-function-that-must-not-call-out",
            ["AWS_SESSION_TOKEN"] = "stand-in-session-token",
            ["_HANDLER"] = function.Handler,
            ["LAMBDA_TASK_ROOT"] = taskRoot,
            ["LAMBDA_RUNTIME_DIR"] = "/var/runtime",
            ["LANG"] = "en_US.UTF-8",
            ["TZ"] = ":UTC",
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HTTPS_PROXY"] = NoWhere,
            ["HTTP_PROXY"] = NoWhere,
            ["NO_PROXY"] = "127.0.0.1,localhost",
        };
        Assert.DoesNotContain(environment.Keys, name => name.StartsWith("AWS_ENDPOINT_URL", StringComparison.Ordinal));
        return environment;
    }

    private static Process Start(string handler, Dictionary<string, string> environment, StringBuilder output)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(handler)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(handler);

        // Not one variable of the test run leaks in.
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
