using System.Globalization;
using Pipeline.Aws;
using Pipeline.Aws.Deploy;
using Pipeline.Core.Deploy;
using Pipeline.Functions.RoutesConverged;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<RoutesConvergedInput, ConvergenceResult>>(new RoutesConvergedHandler(
        new RouterConvergence(
            new S3RouterStatusSource(AwsClients.S3(), AwsClients.Setting("PIPELINE_ROUTES_BUCKET")),
            new RouterLiveness(MissedPolls()),
            TimeProvider.System),
        MinRouters())),
    RoutesConvergedJson.Default.RoutesConvergedInput,
    RoutesConvergedJson.Default.ConvergenceResult);

// How many routers must report before a deploy counts as converged; a fleet has at least one.
static int MinRouters() => Environment.GetEnvironmentVariable("PIPELINE_MIN_ROUTERS") switch
{
    null or "" => 1,
    var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 => n,
    var text => throw new InvalidOperationException($"PIPELINE_MIN_ROUTERS must be a whole number of at least 1, got '{text}'."),
};

// How many of its poll intervals a router may stay silent before it no longer counts (replaced, scaled in).
static int MissedPolls() => Environment.GetEnvironmentVariable("PIPELINE_ROUTER_MISSED_POLLS") switch
{
    null or "" => RouterLiveness.DefaultMissedPolls,
    var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 2 and <= 100 => n,
    var text => throw new InvalidOperationException($"PIPELINE_ROUTER_MISSED_POLLS must be a whole number from 2 to 100, got '{text}'."),
};
