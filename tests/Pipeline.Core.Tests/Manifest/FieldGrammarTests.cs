using System.Globalization;
using Json.Schema;
using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tests.Manifest;

/// <summary>
/// Field by field, the parser and schemas/service.schema.json accept exactly the same strings:
/// every value is tried in both, among them each control character, CR, tab, U+0085, U+2028,
/// U+2029, quotes, backslash, '#', '$', backtick, spaces and non-ASCII, at the start, inside and
/// at the end of valid values, and random strings over the same alphabet.
/// </summary>
public sealed class FieldGrammarTests
{
    private const string Base = "name: svc\nport: 8080\nbuild: { artifact: dist }\n";

    /// <summary>Field → (document with {0} where the value goes, valid values to mutate).</summary>
    private static readonly Dictionary<string, (string Document, string[] Seeds)> Fields = new()
    {
        ["name"] = ("name: {0}\nport: 8080\nbuild: { artifact: dist }\n", ["orders", "a", "a-1"]),
        ["routes[].host"] = (Base + "routes: [ { host: {0} } ]\n", ["orders.example.com", "a", "x-1.y"]),
        ["routes[].pathPrefix"] = (Base + "routes: [ { pathPrefix: {0} } ]\n", ["/orders", "/", "/a/b/"]),
        ["health.path"] = (Base + "health: { path: {0} }\n", ["/status", "/", "/a?b=c"]),
        ["versionPath"] = (Base + "versionPath: {0}\n", ["/version", "/v1/x"]),
        ["build.artifact"] = ("name: svc\nport: 8080\nbuild: { artifact: {0} }\n", ["dist", "out/a.tgz", "a.b"]),
        ["build.buildspec"] = (Base.Replace("artifact: dist", "artifact: dist, buildspec: {0}", StringComparison.Ordinal), ["buildspec.yml", "ci/b.yml"]),
        ["start"] = (Base + "start: {0}\n", ["node server.js", "npm start", "x"]),
        ["label"] = (Base + "label: {0}\n", ["${COUNT}", "1.4.${COUNT}-${git[:7]}", "v${COUNT}"]),
        ["env name"] = (Base + "env: { {0}: info }\n", ["LOG_LEVEL", "A", "_X1"]),
        ["env value"] = (Base + "env: { LOG_LEVEL: {0} }\n", ["info", "", "a b"]),
        ["env secret name"] = (Base + "env: { DB_PASSWORD: { ssm: {0} } }\n", ["db-password", "a/b", "x.y_z", "_/-"]),
        ["tables[].name"] = (Base + "tables: [ { name: {0}, partitionKey: { name: id, type: S }, capacity: onDemand } ]\n", ["orders", "a", "line-items"]),
        ["tables[].indexes[].name"] = (Base + "tables: [ { name: t, partitionKey: { name: id, type: S }, indexes: [ { name: {0}, partitionKey: { name: id, type: S } } ], capacity: onDemand } ]\n", ["by-customer", "abc", "a.b_c"]),
        ["auth.audience"] = (Base + "auth: { audience: {0} }\n", ["widgets", "api.example.com/w", "a:b_c-d"]),
        ["auth.routes[].path"] = (Base + "auth: { routes: [ { method: GET, path: {0}, scopes: [r] } ] }\n", ["/widgets/:id", "/", "/a/b"]),
        ["auth.routes[].scopes[]"] = (Base + "auth: { routes: [ { method: GET, path: /w, scopes: [ {0} ] } ] }\n", ["widgets:read", "a", "x/y.z-1"]),
        ["key name"] = (Base + "tables: [ { name: t, partitionKey: { name: {0}, type: S }, capacity: onDemand } ]\n", ["id", "orderId", "a-b.c_d"]),
    };

    /// <summary>The characters every field is tried with.</summary>
    private static readonly string[] Specials =
    [
        .. Enumerable.Range(0, 0x20).Select(c => ((char)c).ToString()),
        "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\"", "'", "\\", "#", "$", "`", " ", "  ",
        "/", "//", ".", "..", "-", "_", ":", "{", "}", "${", "?", "&", "%", "=", "é", "中", "😀", "A", "a", "0",
        "$(id)", "PIPELINE_ENV", "\nPIPELINE_ENV\n",
    ];

    public static TheoryData<string> FieldNames() => new(Fields.Keys);

    [Theory]
    [MemberData(nameof(FieldNames))]
    public void ParserAndSchema_WhenGivenTheSameValue_ShouldAgree(string field)
    {
        var (document, seeds) = Fields[field];
        var disagreements = new List<string>();
        // A lone surrogate cannot be written in a UTF-8 file, so no manifest can hold one.
        foreach (var value in Candidates(seeds).Where(v => !HasLoneSurrogate(v)))
        {
            var yaml = document.Replace("{0}", Quote(value), StringComparison.Ordinal);
            var parser = ManifestParser.TryParse(yaml).IsValid;
            var schema = SchemaAgreementTests.Schema.Evaluate(SchemaAgreementTests.ToJson(yaml)).IsValid;
            if (parser != schema)
            {
                disagreements.Add($"{Quote(value)}: parser {(parser ? "accepts" : "refuses")}, schema {(schema ? "accepts" : "refuses")}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
        Assert.True(seeds.All(s => ManifestParser.TryParse(document.Replace("{0}", Quote(s), StringComparison.Ordinal)).IsValid), "a seed is invalid");
    }

    [Fact]
    public void Schema_ShouldStateEachFieldsGrammarVerbatim()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("schemas/service.schema.json")))!;
        string Pattern(string pointer) => pointer.Split('/')
            .Aggregate(schema, (node, part) => node is JsonArray items ? items[int.Parse(part, CultureInfo.InvariantCulture)]! : node[part]!)["pattern"]!
            .GetValue<string>();

        Assert.Equal(ManifestGrammar.ServiceName, Pattern("properties/name"));
        Assert.Equal(ManifestGrammar.Host, Pattern("properties/routes/items/properties/host"));
        Assert.Equal(ManifestGrammar.PathPrefix, Pattern("$defs/pathPrefix"));
        Assert.Equal(ManifestGrammar.HttpPath, Pattern("$defs/urlPath"));
        Assert.Equal(ManifestGrammar.RepoPath, Pattern("$defs/repoPath"));
        Assert.Equal(ManifestGrammar.Start, Pattern("properties/start"));
        Assert.Equal(ManifestGrammar.EnvName, Pattern("properties/env/propertyNames"));
        Assert.Equal(ManifestGrammar.EnvValue, Pattern("properties/env/additionalProperties/anyOf/0"));
        Assert.Equal(ManifestGrammar.SecretName, Pattern("$defs/secretReference/properties/ssm"));
        Assert.Equal(ManifestGrammar.TableName, Pattern("$defs/table/properties/name"));
        Assert.Equal(ManifestGrammar.IndexName, Pattern("$defs/table/properties/indexes/items/properties/name"));
        Assert.Equal(ManifestGrammar.AttributeName, Pattern("$defs/key/properties/name"));
        Assert.Equal(ManifestGrammar.CompositionPath, Pattern("$defs/composition/properties/path"));
        Assert.Equal(ManifestGrammar.CallPath, Pattern("$defs/composition/properties/calls/additionalProperties/properties/path"));
        Assert.Equal(ManifestGrammar.Identifier, Pattern("$defs/composition/properties/calls/propertyNames"));
        Assert.Equal(ManifestGrammar.Identifier, Pattern("$defs/composition/properties/require/items"));
        var refused = schema["properties"]!["env"]!["propertyNames"]!["not"]!["anyOf"]!;
        Assert.Equal(EnvNames.Reserved.Keys, refused[0]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal($"^(?:{string.Join('|', EnvNames.ReservedPrefixes.Keys)})", refused[1]!["pattern"]!.GetValue<string>());
        Assert.Equal(string.Join('|', EnvNames.SecretWords), Assert.Single(schema["properties"]!["env"]!["patternProperties"]!.AsObject()).Key);
    }

    [Fact]
    public void Grammar_ShouldUseOnlySyntaxDotNetAndJavaScriptReadAlike()
    {
        foreach (var pattern in new[]
        {
            ManifestGrammar.ServiceName, ManifestGrammar.Host, ManifestGrammar.PathPrefix, ManifestGrammar.HttpPath,
            ManifestGrammar.RepoPath, ManifestGrammar.Start, ManifestGrammar.EnvName, ManifestGrammar.EnvValue, ManifestGrammar.SecretName,
            ManifestGrammar.TableName, ManifestGrammar.IndexName, ManifestGrammar.AttributeName,
        })
        {
            Assert.StartsWith("^", pattern, StringComparison.Ordinal);
            Assert.EndsWith(ManifestGrammar.End, pattern, StringComparison.Ordinal);
            var withoutAnyChar = pattern.Replace(@"[\s\S]", string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain("$", withoutAnyChar.Replace(@"\$", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            foreach (var ambiguous in new[] { @"\s", @"\S", @"\w", @"\d", @"\b", @"\z", @"\A" })
            {
                Assert.DoesNotContain(ambiguous, withoutAnyChar, StringComparison.Ordinal);
            }
        }
    }

    private static bool HasLoneSurrogate(string value) =>
        System.Text.Unicode.Utf8.FromUtf16(value, new byte[value.Length * 3], out _, out _, replaceInvalidSequences: false)
            != System.Buffers.OperationStatus.Done;

    private static IEnumerable<string> Candidates(string[] seeds)
    {
        foreach (var seed in seeds)
        {
            yield return seed;
            foreach (var special in Specials)
            {
                yield return special;
                yield return seed + special;
                yield return special + seed;
                yield return seed.Length == 0 ? special : seed[..1] + special + seed[1..];
            }
        }

        var random = new Random(13);
        var alphabet = Specials.Concat(seeds.SelectMany(s => s.Select(c => c.ToString()))).ToArray();
        for (var i = 0; i < 300; i++)
        {
            var value = new StringBuilder(seeds[random.Next(seeds.Length)]);
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                value.Insert(random.Next(value.Length + 1), alphabet[random.Next(alphabet.Length)]);
            }

            yield return value.ToString();
        }
    }

    /// <summary>A YAML double-quoted scalar holding exactly <paramref name="value"/>, every character escaped that YAML might fold or refuse.</summary>
    internal static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(c, value[++i]):X8}");
            }
            else if (c is '"' or '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (c is < ' ' or > '~')
            {
                text.Append(c <= '\u00ff'
                    ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture)
                    : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Append('"').ToString();
    }
}
