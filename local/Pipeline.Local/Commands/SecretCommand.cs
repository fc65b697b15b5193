using Pipeline.Core.Manifest;
using Pipeline.Local.Aws.SSM;
using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline secret put SERVICE NAME</c> (the value on standard input, never on the command line,
/// where other users could read it) and <c>pipeline secret list SERVICE</c> (names only): the local
/// parameter store that <c>env: { X: { ssm: NAME } }</c> reads, as <c>aws ssm put-parameter --type
/// SecureString --name /&lt;prefix&gt;/SERVICE/NAME</c> fills it on AWS.
/// </summary>
internal static class SecretCommand
{
    public static Command Create()
    {
        var putService = new Argument<string>("service");
        var putName = new Argument<string>("name") { Description = "The secret's name under the service's path, as service.yaml's { ssm: NAME } gives it" };
        var listService = new Argument<string>("service");
        return new Command("secret", "Store the secrets services read at start (env: { X: { ssm: NAME } })")
        {
            StackOptions.Command("put", "Store a secret; its value is read from standard input (one trailing newline is dropped)", [putService, putName],
                (parse, state, _) => Task.FromResult(Put(state, parse.GetValue(putService)!, parse.GetValue(putName)!, Console.In, Console.Out))),
            StackOptions.Command("list", "List the names (never the values) of a service's secrets", [listService],
                (parse, state, _) => Task.FromResult(List(state, parse.GetValue(listService)!, Console.Out))),
        };
    }

    internal static int Put(string stateDirectory, string service, string name, TextReader input, TextWriter output)
    {
        if (ServicePath(stateDirectory, service, out var path) is { } failure)
        {
            return StackOptions.Fail("secret put", failure);
        }

        if (!ManifestGrammar.SecretNameRegex().IsMatch(name))
        {
            return StackOptions.Fail("secret put", $"name '{ManifestGrammar.Visible(name)}' {ManifestGrammar.SecretNameRule}");
        }

        var value = input.ReadToEnd();
        value = value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value;
        try
        {
            new LocalParameterStore(stateDirectory).Put(path + name, value);
        }
        catch (ArgumentException e)
        {
            return StackOptions.Fail("secret put", e.Message.Split(" (Parameter")[0]);
        }

        output.WriteLine($"stored {path}{name} ({value.Length} characters); instances of {service} started from now on read it");
        return 0;
    }

    internal static int List(string stateDirectory, string service, TextWriter output)
    {
        if (ServicePath(stateDirectory, service, out var path) is { } failure)
        {
            return StackOptions.Fail("secret list", failure);
        }

        foreach (var parameter in new LocalParameterStore(stateDirectory).Names(path))
        {
            output.WriteLine(parameter[path.Length..]);
        }

        return 0;
    }

    /// <summary>The service's path in the store, <c>/&lt;prefix&gt;/&lt;service&gt;/</c>, with the prefix of the stack running on the state directory.</summary>
    private static string? ServicePath(string stateDirectory, string service, out string path)
    {
        path = string.Empty;
        if (!ManifestGrammar.ServiceNameRegex().IsMatch(service))
        {
            return $"service '{ManifestGrammar.Visible(service)}' {ManifestGrammar.ServiceNameRule}";
        }

        try
        {
            using var stack = StackClient.Connect(stateDirectory);
            var prefix = stack.Stack["tablePrefix"]?.GetValue<string>()
                ?? throw new StackFailureException("stack.json names no table prefix: restart the stack with this version of ./pipeline");
            path = SecretReference.ServicePath(prefix, service);
            return null;
        }
        catch (StackFailureException e)
        {
            return e.Message;
        }
    }
}
