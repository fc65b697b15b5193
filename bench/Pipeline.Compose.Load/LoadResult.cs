using System.Text.Json;

namespace Pipeline.Compose.Load;

/// <summary>One run's figures, printed as the JSON object bench/compose/load.mjs prints (report.mjs reads either).</summary>
internal sealed record LoadResult(
    string Url, double Seconds, double? Offered, int? Concurrency, double Achieved,
    double P50Us, double P90Us, double P99Us, double MaxUs,
    long Ok, long Non2xx, long Errors, long Skipped, double ClientCore, double ClientCpuUsPerRequest)
{
    public void WriteTo(Stream output)
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("url", Url);
        w.WriteNumber("seconds", Seconds);
        WriteNullable(w, "offered", Offered);
        WriteNullable(w, "concurrency", Concurrency);
        w.WriteNumber("achieved", Achieved);
        w.WriteStartObject("latency");
        w.WriteNumber("p50", Ms(P50Us));
        w.WriteNumber("p90", Ms(P90Us));
        w.WriteNumber("p99", Ms(P99Us));
        w.WriteNumber("max", Ms(MaxUs));
        w.WriteEndObject();
        w.WriteNumber("2xx", Ok);
        w.WriteNumber("non2xx", Non2xx);
        w.WriteNumber("errors", Errors);
        w.WriteNumber("skipped", Skipped);
        // Whether the generator itself was the limit, and what it costs the machine it shares.
        w.WriteNumber("clientCore", ClientCore);
        w.WriteNumber("clientCpuUsPerRequest", Math.Round(ClientCpuUsPerRequest));
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    private static double Ms(double us) => Math.Round(us) / 1000;

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
