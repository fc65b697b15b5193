namespace Pipeline.States.Definition;

/// <summary>A parsed, validated state machine or a nested scope (a Parallel branch, a Map item processor).</summary>
public sealed record StateMachineDefinition(
    string StartAt,
    IReadOnlyDictionary<string, StateDefinition> States,
    int? TimeoutSeconds,
    string? Comment)
{
    /// <summary>False when no field mentions $$, so executions can skip building the context object.</summary>
    public bool UsesContextObject { get; init; } = true;

    public static StateMachineDefinition Parse(string json) => DefinitionParser.Parse(json);
}

/// <summary>InputPath, OutputPath and ResultPath: absent means $, JSON null means "nothing".</summary>
public sealed record PathField(JsonPath? Path, bool IsNull)
{
    public static readonly PathField Root = new(JsonPath.Parse("$"), false);
}

public abstract record StateDefinition
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public string? Comment { get; init; }

    public PathField InputPath { get; init; } = PathField.Root;

    public PathField OutputPath { get; init; } = PathField.Root;

    public string? Next { get; init; }

    public bool End { get; init; }
}

public sealed record Retrier(
    IReadOnlyList<string> ErrorEquals,
    double IntervalSeconds,
    int MaxAttempts,
    double BackoffRate,
    double? MaxDelaySeconds,
    bool FullJitter);

public sealed record Catcher(IReadOnlyList<string> ErrorEquals, string Next, PathField ResultPath);

/// <summary>Fields shared by Task, Parallel and Map.</summary>
public abstract record ActionStateDefinition : StateDefinition
{
    public PayloadTemplate? Parameters { get; init; }

    public PayloadTemplate? ResultSelector { get; init; }

    public PathField ResultPath { get; init; } = PathField.Root;

    public IReadOnlyList<Retrier> Retry { get; init; } = [];

    public IReadOnlyList<Catcher> Catch { get; init; } = [];
}

public sealed record PassStateDefinition : StateDefinition
{
    public bool HasResult { get; init; }

    public JsonNode? Result { get; init; }

    public PayloadTemplate? Parameters { get; init; }

    public PathField ResultPath { get; init; } = PathField.Root;
}

public sealed record TaskStateDefinition : ActionStateDefinition
{
    public required string Resource { get; init; }

    public int? TimeoutSeconds { get; init; }

    public JsonPath? TimeoutSecondsPath { get; init; }

    public int? HeartbeatSeconds { get; init; }

    public JsonPath? HeartbeatSecondsPath { get; init; }
}

public sealed record ChoiceStateDefinition : StateDefinition
{
    public required IReadOnlyList<(ChoiceCondition Condition, string Next)> Choices { get; init; }

    public string? Default { get; init; }
}

public sealed record WaitStateDefinition : StateDefinition
{
    public double? Seconds { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public JsonPath? SecondsPath { get; init; }

    public JsonPath? TimestampPath { get; init; }
}

public sealed record SucceedStateDefinition : StateDefinition;

public sealed record FailStateDefinition : StateDefinition
{
    public string? Error { get; init; }

    public ValueExpression? ErrorPath { get; init; }

    public string? Cause { get; init; }

    public ValueExpression? CausePath { get; init; }
}

public sealed record ParallelStateDefinition : ActionStateDefinition
{
    public required IReadOnlyList<StateMachineDefinition> Branches { get; init; }
}

public sealed record MapStateDefinition : ActionStateDefinition
{
    public required StateMachineDefinition ItemProcessor { get; init; }

    public JsonPath ItemsPath { get; init; } = JsonPath.Parse("$");

    public int MaxConcurrency { get; init; }

    public JsonPath? MaxConcurrencyPath { get; init; }

    public int? ToleratedFailureCount { get; init; }

    public JsonPath? ToleratedFailureCountPath { get; init; }

    public double? ToleratedFailurePercentage { get; init; }

    public JsonPath? ToleratedFailurePercentagePath { get; init; }
}
