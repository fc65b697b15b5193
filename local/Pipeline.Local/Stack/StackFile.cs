using System.Diagnostics;

namespace Pipeline.Local.Stack;

/// <summary>
/// <c>&lt;state&gt;/stack.json</c>: the running stack's process id and endpoints, written once it
/// is up and removed when it stops. Other commands (down, status, push, demo) find the stack here.
/// </summary>
internal static class StackFile
{
    public static void Write(StackLayout layout, int pid, JsonObject endpoints, string artifactBucket, string registryTable, string tablePrefix)
    {
        var document = new JsonObject
        {
            ["pid"] = pid,
            ["startedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["stateDirectory"] = layout.Root,
            ["endpoints"] = endpoints.DeepClone(),
            ["artifactBucket"] = artifactBucket,
            ["registryTable"] = registryTable,
            ["tablePrefix"] = tablePrefix,
            ["logs"] = layout.Logs,
        };
        File.WriteAllText(layout.StackFile + ".tmp", document.ToJsonString(new() { WriteIndented = true }));
        File.Move(layout.StackFile + ".tmp", layout.StackFile, overwrite: true);
    }

    public static JsonObject? Read(StackLayout layout)
    {
        if (!File.Exists(layout.StackFile))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(layout.StackFile)) as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StackFailureException($"{layout.StackFile} is corrupt ({e.Message}); delete it if no stack is running");
        }
    }

    /// <summary>A live stack on this state directory is an error; a stale file of a dead one is removed.</summary>
    public static void EnsureNotRunning(StackLayout layout)
    {
        if (Read(layout) is not { } running)
        {
            return;
        }

        var pid = running["pid"]?.GetValue<int>() ?? 0;
        if (IsAlive(pid))
        {
            throw new StackFailureException(
                $"a stack already runs on {layout.Root} (pid {pid}): `./pipeline down` stops it, or use another --state-dir");
        }

        Delete(layout);
    }

    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static void Delete(StackLayout layout) => File.Delete(layout.StackFile);
}

/// <summary>
/// Settings a state directory keeps across restarts. The front port is one: the published HAProxy
/// configs bind it, so a restart on another port would serve nothing until the next deploy.
/// </summary>
internal static class StackSettings
{
    public static int FrontPort(StackLayout layout, int? requested)
    {
        JsonObject settings;
        try
        {
            settings = File.Exists(layout.SettingsFile) ? JsonNode.Parse(File.ReadAllText(layout.SettingsFile)) as JsonObject ?? [] : [];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StackFailureException($"{layout.SettingsFile} is corrupt ({e.Message}); fix or delete it");
        }

        if (settings["frontPort"]?.GetValue<int>() is { } kept)
        {
            if (requested is { } port && port != kept && port != 0)
            {
                throw new StackFailureException(
                    $"the state directory {layout.Root} serves port {kept} (its published HAProxy configs bind it): " +
                    $"run with --port {kept}, or use a new --state-dir for port {port}");
            }

            return kept;
        }

        var chosen = requested is null ? StackHost.DefaultFrontPort : requested.Value == 0 ? FreePort.Next() : requested.Value;
        settings["frontPort"] = chosen;
        File.WriteAllText(layout.SettingsFile, settings.ToJsonString());
        return chosen;
    }
}
