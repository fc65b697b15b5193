using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;
using Pipeline.Core.Tests.Manifest;

namespace Pipeline.Core.Tests.Routing;

/// <summary>
/// The property behind <c>./pipeline validate</c>: every set of manifests it accepts renders, through
/// the renderer PublishRoutes uses, to a config the real <c>haproxy -c</c> accepts. Values are drawn
/// mostly from the grammar's edges (every character a route or health path may hold, '/', long
/// hosts, trailing slashes, shared names and routes between manifests) and sometimes from anything.
/// </summary>
public sealed class ValidatedManifestsRenderTests
{
    private static readonly Gen<string> Anything = Gen.String[Gen.Char["/a.\"\\ #$`{}\n\r\t\u0085\u2028é:%?&"], 0, 8];

    private static readonly Gen<string> Segment = Gen.String[Gen.Char["aZ09._~%@:+,;=-"], 1, 6];

    private static readonly Gen<string> PathPrefix = Gen.Frequency(
        (8, Gen.Select(Segment.Array[0, 4], Gen.Bool, (segments, slash) => "/" + string.Join('/', segments) + (slash && segments.Length > 0 ? "/" : string.Empty))),
        (1, Gen.Const("/" + new string('p', 1023))),
        (1, Anything));

    private static readonly Gen<string> Host = Gen.Frequency(
        (8, Gen.String[Gen.Char["ab09-"], 1, 8].Array[1, 4].Select(labels => string.Join('.', labels))),
        (1, Gen.Const(string.Join('.', Enumerable.Repeat(new string('h', 63), 3)) + "." + new string('h', 61))),
        (1, Anything));

    private static readonly Gen<string> HealthPath = Gen.Frequency(
        (8, Gen.String[Gen.Char["aZ09._~%/@:+,;=?&-"], 0, 12].Select(p => "/" + p)),
        (1, Anything));

    private static readonly Gen<string> Route = Gen.Frequency(
        (3, PathPrefix.Select(p => $"{{ pathPrefix: {FieldGrammarTests.Quote(p)} }}")),
        (2, Host.Select(h => $"{{ host: {FieldGrammarTests.Quote(h)} }}")),
        (2, Gen.Select(Host, PathPrefix, (h, p) => $"{{ host: {FieldGrammarTests.Quote(h)}, pathPrefix: {FieldGrammarTests.Quote(p)} }}")));

    private static readonly Gen<string> Manifest = Gen.Select(
        Gen.OneOf("orders", "catalog", "a", "b-1", "svc"),
        Gen.Int[1, 3],
        HealthPath,
        Route.Array[0, 3],
        (name, count, health, routes) =>
            $"name: {name}\nport: 8080\nbuild: {{ artifact: dist }}\ninstances: {{ count: {count} }}\n" +
            $"health: {{ path: {FieldGrammarTests.Quote(health)} }}\nroutes: [ {string.Join(", ", routes)} ]\n");

    [Fact]
    public void Render_WhenValidateAcceptsTheManifests_ShouldPassHaproxyCheck()
    {
        var accepted = 0;
        var refused = 0;
        var clock = Stopwatch.StartNew();
        Manifest.Array[1, 4].Sample(documents =>
        {
            var parsed = documents.Select((yaml, i) => ManifestParser.TryParse(yaml, $"s{i}.yaml")).ToList();
            var sources = parsed.Where(p => p.IsValid).Select((p, i) => new ManifestSource($"s{i}.yaml", p.Manifest!, p.Positions)).ToList();
            if (sources.Count < parsed.Count || ManifestSet.Check(sources, RouterSettings.Default).Count > 0)
            {
                Interlocked.Increment(ref refused);
                return;
            }

            Interlocked.Increment(ref accepted);
            var config = HaproxyConfigRenderer.Render(ManifestRouting.Preview(sources.Select(s => s.Manifest)), RouterSettings.Default);
            var (exit, output) = RoutingFixtures.HaproxyCheck(config.Text);
            Assert.True(exit == 0, $"haproxy -c refused what validate accepted:\n{output}\n{string.Join("---\n", documents)}");
        }, iter: 200, threads: 1);

        Assert.True(accepted >= 20, $"only {accepted} of {accepted + refused} sets were accepted; the generators should reach the renderer more often");
        Assert.True(refused >= 5, $"only {refused} sets were refused; the generators should reach the edges");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }
}
