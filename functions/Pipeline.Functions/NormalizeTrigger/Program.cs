using Pipeline.Core.Configuration;

namespace Pipeline.Functions.NormalizeTrigger;

internal static class Program
{
    public static Task<int> Main() => LambdaRuntime.RunAsync(
        () => Task.FromResult<IFunctionHandler<JsonElement, PipelineRequest>>(new NormalizeTriggerHandler(
            new TriggerNormalizer(TriggerSettings.FromEnvironment(
                Environment.GetEnvironmentVariable(SettingNames.DeployBranch), Environment.GetEnvironmentVariable(SettingNames.Region))))),
        NormalizeTriggerJson.Default.JsonElement,
        NormalizeTriggerJson.Default.PipelineRequest);
}
