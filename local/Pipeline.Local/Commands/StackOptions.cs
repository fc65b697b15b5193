namespace Pipeline.Local.Commands;

/// <summary>Options every stack command shares, and the one way a command over the stack's state directory is made.</summary>
internal static class StackOptions
{
    public static Option<string> StateDirectory() => new("--state-dir")
    {
        Description = "Where the stack keeps its state (registry, artifacts, repositories, executions, logs)",
        DefaultValueFactory = _ => Path.Combine(RepositoryRoot.Path, ".pipeline"),
    };

    /// <summary>
    /// A command over a stack's state directory: <c>--state-dir</c>, then <paramref name="symbols"/> (its own
    /// arguments and options); <paramref name="action"/> gets the parse result and the directory.
    /// </summary>
    public static Command Command(
        string name, string description, IEnumerable<Symbol> symbols, Func<ParseResult, string, CancellationToken, Task<int>> action)
    {
        var state = StateDirectory();
        var command = new Command(name, description) { state };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Add(argument);
                    break;
                case Option option:
                    command.Add(option);
                    break;
                default:
                    throw new ArgumentException($"{symbol.Name}: only arguments and options go on a stack command", nameof(symbols));
            }
        }

        command.SetAction((parse, cancel) => action(parse, parse.GetValue(state)!, cancel));
        return command;
    }

    /// <summary>Refuses a value <paramref name="valid"/> rejects, with the message <paramref name="error"/> makes of it.</summary>
    public static Option<T> Accepting<T>(this Option<T> option, Func<T?, bool> valid, Func<T?, string> error)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (!valid(value))
            {
                result.AddError(error(value));
            }
        });
        return option;
    }

    public static int Fail(string command, string message)
    {
        Console.Error.WriteLine($"pipeline {command}: {message}");
        return 1;
    }
}
