using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Pipeline.Aws.StepFunctions;
using Pipeline.Core.Errors;
using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline unlock SERVICE --reason TEXT</c>: an operator breaks a service's deploy lock, whoever
/// holds it. The registry keeps who broke it, why and when beside the lock.
/// </summary>
internal static class UnlockCommand
{
    public static Command Create()
    {
        var service = new Argument<string>("service");
        var reason = new Option<string>("--reason") { Description = "Why the lock is broken; recorded with who and when", Required = true };
        return StackOptions.Command("unlock", "Break a service's deploy lock (recorded in the registry)", [service, reason],
            (parse, state, cancel) => RunAsync(state, parse.GetValue(service)!, parse.GetValue(reason)!, Operator(), Console.Out, cancel));
    }

    internal static async Task<int> RunAsync(string stateDirectory, string service, string reason, string by, TextWriter output,
        CancellationToken cancel)
    {
        if (!IsServiceName(service))
        {
            return StackOptions.Fail("unlock", $"service: '{service}' is not a service name");
        }

        try
        {
            using var client = StackClient.Connect(stateDirectory);
            var credentials = new BasicAWSCredentials(LocalCredentials.AccessKey, LocalCredentials.SecretKey);
            using var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig
            {
                ServiceURL = client.Endpoint("dynamodb"),
                AuthenticationRegion = StackHost.Region,
            });
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var statuses = new StepFunctionsExecutionStatuses(new StepFunctionsClient(StepFunctionsClient.Service.At(
                http, StackHost.Region, new Uri(client.Endpoint("stepfunctions") + "/"),
                _ => Task.FromResult(credentials.GetCredentials()))));
            var registryTable = client.Stack["registryTable"]?.GetValue<string>()
                ?? throw new StackFailureException("stack.json names no registry table");
            var broken = await new DeployLock(new DynamoDbRegistry(dynamo, registryTable), statuses).BreakAsync(service, by, reason, cancel);
            if (broken is null)
            {
                return StackOptions.Fail("unlock", $"the deploy lock of {service} is not held; nothing was changed");
            }

            output.WriteLine($"broke the deploy lock of {service}, held by {broken.Owner}");
            output.WriteLine($"recorded: {broken.At.ToString("O", CultureInfo.InvariantCulture)} by {broken.By}: {broken.Reason}");
            if (await StatusAsync(statuses, broken.Owner, cancel) is { } status && !ExecutionStatuses.HasEnded(status))
            {
                output.WriteLine($"that execution is {status}: it goes on without the lock unless it is stopped (StopExecution)");
            }

            return 0;
        }
        catch (Exception e) when (e is StackFailureException or InvalidInputException or LockHeldException or AmazonServiceException or HttpRequestException)
        {
            return StackOptions.Fail("unlock", e.Message);
        }
    }

    /// <summary>The widest service name a trigger accepts (a repository name); anything else names no lock.</summary>
    private static bool IsServiceName(string value) =>
        value.Length is >= 1 and <= 100
        && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Who breaks the lock: the operator's user and host, as a shell prompt shows them.</summary>
    internal static string Operator() => $"{Environment.UserName}@{Environment.MachineName}";

    private static async Task<string?> StatusAsync(StepFunctionsExecutionStatuses statuses, string execution, CancellationToken cancel)
    {
        try
        {
            return await statuses.GetStatusAsync(execution, cancel);
        }
        catch (ExecutionStatusUnavailableException)
        {
            return null;
        }
    }
}
