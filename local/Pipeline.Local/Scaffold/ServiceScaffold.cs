using Pipeline.Core.Fleet;
using Pipeline.Core.Manifest;
using Pipeline.Core.Naming;

namespace Pipeline.Local.Scaffold;

/// <summary>
/// Writes a new service repository: kits/node-service-template with the service's names filled in,
/// a service.yaml for its tables, a package.json and a package-lock.json derived from the kit's own
/// lock (so no network is needed and the versions are the ones the kit is tested with), and a copy
/// of the kit under vendor/service-kit. Checks everything before writing a file.
/// </summary>
internal sealed class ServiceScaffold
{
    public const string KitFolder = "kits/node-service";
    public const string TemplateFolder = "kits/node-service-template";
    private const string KitPackage = "@pipeline/service-kit";
    private const string VendoredKit = "vendor/service-kit";

    private readonly string _repositoryRoot;

    public ServiceScaffold(string repositoryRoot) => _repositoryRoot = repositoryRoot;

    /// <summary>Why the request cannot be written, or null when it can.</summary>
    public static string? Problem(string name, string directory, IReadOnlyList<string> tables)
    {
        if (ServiceName.Problem(name) is { } bad)
        {
            return $"name '{ManifestGrammar.Visible(name)}' {bad}; a service name is {ServiceName.Rule}";
        }

        foreach (var table in tables)
        {
            if (!ManifestGrammar.TableNameRegex().IsMatch(table))
            {
                return $"--table '{ManifestGrammar.Visible(table)}' {ManifestGrammar.TableNameRule}";
            }
        }

        if (tables.Distinct(StringComparer.Ordinal).Count() != tables.Count)
        {
            return "--table: each table once";
        }

        if (File.Exists(directory))
        {
            return $"{directory} is a file";
        }

        return Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()
            ? $"{directory} exists and is not empty; choose another --dir"
            : null;
    }

    /// <summary>The files of the new repository, by path relative to it.</summary>
    public IReadOnlyDictionary<string, string> Files(string name, IReadOnlyList<string> tables)
    {
        var all = tables.Count > 0 ? tables : [name];
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__SERVICE__"] = name,
            ["__Service__"] = Pascal(name),
            ["__TABLE__"] = all[0],
            ["__TABLES__"] = "[" + string.Join(", ", all.Select(t => $"'{t}'")) + "]",
            ["__TABLE_VARIABLE__"] = InstanceEnvironment.TableVariable(all[0]),
        };
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var template = Path.Combine(_repositoryRoot, TemplateFolder);
        foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (var (field, value) in fields)
            {
                text = text.Replace(field, value, StringComparison.Ordinal);
            }

            files[Relative(template, file)] = text;
        }

        var kit = Path.Combine(_repositoryRoot, KitFolder);
        foreach (var file in Directory.EnumerateFiles(kit, "*", SearchOption.AllDirectories))
        {
            var relative = Relative(kit, file);
            if (!relative.Split('/').Contains("node_modules"))
            {
                files[$"{VendoredKit}/{relative}"] = File.ReadAllText(file);
            }
        }

        var kitLock = JsonNode.Parse(File.ReadAllText(Path.Combine(kit, "package-lock.json")))!.AsObject();
        var (package, lockFile) = Package(name, kitLock);
        files["package.json"] = package;
        files["package-lock.json"] = lockFile;
        files["service.yaml"] = Manifest(name, all);
        return files;
    }

    /// <summary>Writes the files into <paramref name="directory"/>, which <see cref="Problem"/> accepted.</summary>
    public static void Write(string directory, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (relative, text) in files)
        {
            var path = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    private static string Manifest(string name, IReadOnlyList<string> tables)
    {
        var yaml = new StringBuilder();
        yaml.Append($$"""
            # The {{name}} service, written by ./pipeline new; ./pipeline validate checks this file.
            name: {{name}}
            port: 8080

            health:
              path: /status
              intervalSeconds: 5
              timeoutSeconds: 2
              healthyThreshold: 2
              unhealthyThreshold: 2
            versionPath: /version

            routes:
              - pathPrefix: /{{name}}

            instances:
              count: 2
              minHealthyPercent: 50

            label: 1.0.${COUNT}-${git[:7]}

            build:
              buildspec: buildspec.yml
              artifact: artifact.tgz

            start: node server.js

            env:
              NODE_ENV: production

            tables:

            """);
        foreach (var table in tables)
        {
            yaml.Append($"""
                  - name: {table}
                    partitionKey:
                      name: id
                      type: S
                    capacity: onDemand

                """);
        }

        return yaml.ToString();
    }

    // The service's lock is the kit's: the same packages at the same versions, with the kit itself
    // as a file: dependency installed as real files (.npmrc install-links).
    private static (string Package, string Lock) Package(string name, JsonObject kitLock)
    {
        var kitPackages = kitLock["packages"]!.AsObject();
        var kitRoot = kitPackages[""]!.AsObject();
        var dependencies = new JsonObject { [KitPackage] = $"file:{VendoredKit}" };
        var devDependencies = new JsonObject { ["@aws-sdk/client-dynamodb"] = kitRoot["dependencies"]!["@aws-sdk/client-dynamodb"]!.DeepClone() };
        var package = new JsonObject
        {
            ["name"] = name,
            ["version"] = "1.0.0",
            ["private"] = true,
            ["main"] = "server.js",
            ["scripts"] = new JsonObject { ["start"] = "node server.js", ["test"] = "node --test test/" },
            ["engines"] = kitRoot["engines"]?.DeepClone(),
            ["dependencies"] = dependencies.DeepClone(),
            ["devDependencies"] = devDependencies.DeepClone(),
        };
        var packages = new JsonObject
        {
            [""] = new JsonObject
            {
                ["name"] = name,
                ["version"] = "1.0.0",
                ["dependencies"] = dependencies,
                ["devDependencies"] = devDependencies,
                ["engines"] = kitRoot["engines"]?.DeepClone(),
            },
            ["node_modules/" + KitPackage] = new JsonObject
            {
                ["version"] = kitRoot["version"]!.DeepClone(),
                ["resolved"] = $"file:{VendoredKit}",
                ["license"] = kitRoot["license"]?.DeepClone(),
                ["dependencies"] = kitRoot["dependencies"]!.DeepClone(),
                ["engines"] = kitRoot["engines"]?.DeepClone(),
            },
        };
        foreach (var (path, entry) in kitPackages.Where(p => p.Key.Length > 0))
        {
            packages[path] = entry!.DeepClone();
        }

        var lockFile = new JsonObject
        {
            ["name"] = name,
            ["version"] = "1.0.0",
            ["lockfileVersion"] = kitLock["lockfileVersion"]!.DeepClone(),
            ["requires"] = true,
            ["packages"] = packages,
        };
        var options = new JsonSerializerOptions { WriteIndented = true };
        return (package.ToJsonString(options) + "\n", lockFile.ToJsonString(options) + "\n");
    }

    private static string Pascal(string name) =>
        string.Concat(name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');
}
