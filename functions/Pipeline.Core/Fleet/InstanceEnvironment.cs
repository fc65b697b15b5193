using Pipeline.Core.Manifest;

namespace Pipeline.Core.Fleet;

/// <summary>
/// The environment a service instance runs with: the manifest's <c>env</c>, then what the pipeline
/// guarantees, which the manifest cannot override: <c>PORT</c>, <c>PIPELINE_SERVICE</c>,
/// <c>PIPELINE_VERSION</c>, <c>PIPELINE_TABLE_PREFIX</c> and one <c>&lt;TABLE&gt;_TABLE</c> per declared
/// table holding its physical name (table <c>orders</c> gives <c>ORDERS_TABLE</c>, <c>line-items</c>
/// gives <c>LINE_ITEMS_TABLE</c>), and the stack's token issuer as <c>PIPELINE_AUTH_ISSUER</c> and
/// <c>PIPELINE_AUTH_JWKS_URL</c> when the stack has one.
/// </summary>
public static class InstanceEnvironment
{
    public static IReadOnlyDictionary<string, string> For(
        ServiceManifest manifest, string label, string tablePrefix, Configuration.AuthIssuerSettings? issuer = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in manifest.Env)
        {
            environment[name] = value;
        }

        environment["PORT"] = manifest.Port.ToString(CultureInfo.InvariantCulture);
        environment["PIPELINE_SERVICE"] = manifest.Name;
        environment["PIPELINE_VERSION"] = label;
        environment["PIPELINE_TABLE_PREFIX"] = tablePrefix;
        foreach (var table in manifest.Tables)
        {
            environment[TableVariable(table.Name)] = TableSpec.PhysicalName(tablePrefix, manifest.Name, table.Name);
        }

        if (issuer is not null)
        {
            environment[Configuration.AuthIssuerSettings.IssuerVariable] = issuer.Issuer;
            environment[Configuration.AuthIssuerSettings.JwksUrlVariable] = issuer.JwksUrl;
        }

        if (manifest.Auth is { } auth)
        {
            // The service kit reads these; the issuer and its keys are the stack's, set above.
            environment["PIPELINE_AUTH_AUDIENCE"] = auth.Audience;
            environment["PIPELINE_AUTH_SCOPES"] = new System.Text.Json.Nodes.JsonObject(auth.Routes.Select(r =>
                KeyValuePair.Create($"{r.Method} {r.Path}", (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonArray([.. r.Scopes.Select(s => System.Text.Json.Nodes.JsonValue.Create(s))])))).ToJsonString();
        }

        return environment;
    }

    /// <summary>
    /// The manifest's secret references as SSM parameter names under the service's own path,
    /// e.g. <c>DB_PASSWORD</c> → <c>/prod/orders/db-password</c>: the prefix is the stack's, the same
    /// one its tables carry.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Secrets(ServiceManifest manifest, string prefix)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new SortedDictionary<string, string>(
            manifest.Secrets.ToDictionary(s => s.Key, s => s.Value.ParameterName(prefix, manifest.Name), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary><c>line-items</c> → <c>LINE_ITEMS_TABLE</c>.</summary>
    public static string TableVariable(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var name = new StringBuilder(table.Length + 6);
        foreach (var c in table)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.Append("_TABLE").ToString();
    }
}
