using System.Security.Cryptography;

namespace Pipeline.Core.Deploy;

/// <summary>
/// Each version gets its own ELBv2 target group, named from the service and the version's count, so
/// the old version's targets can be drained and its group deleted without touching the new one's.
/// Target-group names are unique per account and region, and every stack counts its own versions,
/// so the name also carries a short hash of the stack name (<c>orders-3fa9c-v7</c>): two stacks
/// deploying the same service never create, register into or delete each other's group.
/// ELBv2 allows at most 32 letters, digits and hyphens, not starting or ending with a hyphen.
/// </summary>
public static class TargetGroupNames
{
    public const int MaxLength = 32;

    public static string For(string stack, string service, long count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stack);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var suffix = "-" + StackScope(stack) + "-v" + count.ToString(CultureInfo.InvariantCulture);
        var clean = Clean(service);
        if (clean.StartsWith("internal", StringComparison.OrdinalIgnoreCase))
        {
            // ELBv2 reserves names beginning with "internal-".
            clean = "svc-" + clean;
        }

        if (clean.Length + suffix.Length <= MaxLength && clean == service)
        {
            return clean + suffix;
        }

        // Shortened or altered names keep a hash of the real name, so two services never share a group.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(service)))[..6];
        var room = MaxLength - suffix.Length - hash.Length - 1;
        var head = clean.Length > room ? clean[..room].TrimEnd('-') : clean;
        return (head.Length == 0 ? hash : head + "-" + hash) + suffix;
    }

    /// <summary>Five hex digits of the stack name's SHA-256: the part of every group name that says whose it is.</summary>
    public static string StackScope(string stack) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("stack:" + stack)))[..5];

    private static string Clean(string service)
    {
        var builder = new StringBuilder(service.Length);
        foreach (var c in service)
        {
            var keep = char.IsAsciiLetterOrDigit(c) ? c : '-';
            if (keep != '-' || (builder.Length > 0 && builder[^1] != '-'))
            {
                builder.Append(keep);
            }
        }

        return builder.ToString().Trim('-');
    }
}
