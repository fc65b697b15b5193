using System.Globalization;
using Pipeline.Aws;
using Pipeline.Aws.Deploy;
using Pipeline.Core.Deploy;
using Pipeline.Functions.RoutesConverged;
using Pipeline.Lambda;

return await LambdaRuntime.RunAsync(
    () => Task.FromResult<IFunctionHandler<RoutesConvergedInput, ConvergenceResult>>(new RoutesConvergedHandler(
        new RouterConvergence(new S3RouterStatusSource(AwsClients.S3(), AwsClients.Setting("PIPELINE_ROUTES_BUCKET"))),
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
