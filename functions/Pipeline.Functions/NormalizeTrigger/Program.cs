namespace Pipeline.Functions.NormalizeTrigger;

internal static class Program
{
    public static Task<int> Main() => LambdaRuntime.RunAsync(
        TriggerSettings.From, settings => new NormalizeTriggerHandler(new TriggerNormalizer(settings)), NormalizeTriggerJson.Default);
}
