namespace Pipeline.Core.Tests.Labels;

/// <summary>Random valid label templates, counts and commits.</summary>
internal static class Generators
{
    private const string LiteralChars = "ABCXYZabcxyz0123456789._-";

    public static readonly Gen<long> Count = Gen.Long[1, 10_000_000_000];

    public static readonly Gen<string> Commit = Gen.Char["0123456789abcdef"].Array[40].Select(c => new string(c));

    private static readonly Gen<string> Literal = Gen.String[Gen.Char[LiteralChars], 1, 4];

    private static readonly Gen<string> Separator = Gen.Select(Gen.Char["._-"], Gen.String[Gen.Char[LiteralChars], 0, 3],
        (first, rest) => first + rest);

    private static readonly Gen<string> Git = Gen.OneOf(Gen.Const("${git}"), Gen.Int[1, 40].Select(n => $"${{git[:{n}]}}"));

    /// <summary>Literals and git parts in any order, with at least one counter, each followed by a separator or the end.</summary>
    public static readonly Gen<string> Template =
        Gen.OneOf(Literal, Git, Gen.Const("${COUNT}")).Array[0, 6].Select(Gen.Int[0, 6], (parts, at) =>
        {
            var list = parts.ToList();
            list.Insert(Math.Min(at, list.Count), "${COUNT}");
            return list;
        }).SelectMany(parts => Separator.Array[parts.Count].Select(separators => string.Concat(parts.Select((part, i) =>
            part == "${COUNT}" && i < parts.Count - 1 ? part + separators[i] : part))));

    /// <summary>A literal prefix, the counter, then anything: the GoCD shape <c>1.4.${COUNT}-${git[:7]}</c>.</summary>
    public static readonly Gen<string> CountFirstTemplate =
        Gen.Select(Gen.String[Gen.Char["0123456789."], 0, 5].Select(p => p.Length > 0 ? p.TrimEnd('.') + "." : p),
            Gen.Select(Separator, Gen.OneOf(Git, Literal)).Array[0, 3],
            (prefix, tail) => prefix + "${COUNT}" + string.Concat(tail.Select(t => t.Item1 + t.Item2)));

    public static readonly Gen<(string, long, string)> TemplateCountCommit = Gen.Select(Template, Count, Commit);
}
