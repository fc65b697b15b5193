using Pipeline.Core.Labels;

namespace Pipeline.Core.Tests.Labels;

public sealed class LabelTemplateTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    [Theory]
    [InlineData("1.4.${COUNT}-${git[:7]}", 42, "1.4.42-0123456")]
    [InlineData("${COUNT}", 7, "7")]
    [InlineData("v${COUNT}.${git}", 3, "v3.0123456789abcdef0123456789abcdef01234567")]
    [InlineData("${git[:1]}-${COUNT}", 10, "0-10")]
    [InlineData("r${COUNT}_${COUNT}", 5, "r5_5")]
    public void Render_WhenTemplateValid_ShouldSubstitutePlaceholders(string template, long count, string label)
    {
        Assert.Equal(label, LabelTemplate.Parse(template).Render(count, Commit));
    }

    [Fact]
    public void Render_WhenCommitUpperCase_ShouldUseLowerCase()
    {
        Assert.Equal("1-abcdef0", LabelTemplate.Parse("${COUNT}-${git[:7]}").Render(1, "ABCDEF0" + new string('1', 33)));
    }

    [Theory]
    [InlineData("1.0", "must contain ${COUNT}")]
    [InlineData("${COUNT}${git[:7]}", "${COUNT} must be followed by")]
    [InlineData("${COUNT}1", "${COUNT} must be followed by")]
    [InlineData("${COUNT}-${git[:41]}", "unknown placeholder ${git[:41]}")]
    [InlineData("${COUNT}-${git[:0]}", "unknown placeholder ${git[:0]}")]
    [InlineData("${COUNT}-${env:USER}", "unknown placeholder ${env:USER}")]
    [InlineData("${COUNT}/x", "has '/x' outside a placeholder")]
    [InlineData("${COUNT", "has '${COUNT' outside a placeholder")]
    public void TryParse_WhenTemplateInvalid_ShouldExplain(string template, string reason)
    {
        Assert.False(LabelTemplate.TryParse(template, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Render_WhenCountNotPositive_ShouldThrow(long count)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelTemplate.Parse("${COUNT}").Render(count, Commit));
    }

    [Fact]
    public void Render_WhenCommitNotHex_ShouldThrow()
    {
        Assert.Throws<ArgumentException>(() => LabelTemplate.Parse("${COUNT}").Render(1, "main"));
    }

    [Fact]
    public void Render_WhenAnyValidTemplate_ShouldRoundTripTheCount()
    {
        Generators.TemplateCountCommit.Sample((template, count, commit) =>
        {
            var parsed = LabelTemplate.Parse(template);
            var label = parsed.Render(count, commit);
            return parsed.TryReadCount(label, out var read) && read == count
                   && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
        }, iter: 2000);
    }

    [Fact]
    public void Render_WhenCountsDiffer_ShouldNeverGiveTheSameLabel()
    {
        // Whatever commits the two versions have, different counts never collide.
        Gen.Select(Generators.Template, Generators.Count, Generators.Count, Generators.Commit, Generators.Commit)
            .Where((_, a, b, _, _) => a != b)
            .Sample((template, a, b, commitA, commitB) =>
            {
                var parsed = LabelTemplate.Parse(template);
                return parsed.Render(a, commitA) != parsed.Render(b, commitB);
            }, iter: 2000);
    }

    [Fact]
    public void Render_WhenCountBeforeGit_ShouldSortInAllocationOrder()
    {
        // Successive allocations give increasing counts; for GoCD-like templates whose counter comes
        // before any commit part, labels then read in that same order.
        Gen.Select(Generators.CountFirstTemplate, Generators.Count.Array[2, 30], Generators.Commit.Array[30])
            .Sample((template, increments, commits) =>
            {
                var parsed = LabelTemplate.Parse(template);
                var count = 0L;
                var labels = increments.Select((step, i) => parsed.Render(count += step % 1000 + 1, commits[i])).ToList();
                return labels.Zip(labels.Skip(1)).All(p => VersionLabelComparer.Instance.Compare(p.First, p.Second) < 0);
            }, iter: 1000);
    }

    [Theory]
    [InlineData("1.4.9-fff", "1.4.10-000", -1)]
    [InlineData("1.4.10", "1.4.10", 0)]
    [InlineData("2", "10", -1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("a", "b", -1)]
    public void Compare_WhenLabelsHaveNumbers_ShouldCompareNumerically(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(VersionLabelComparer.Instance.Compare(a, b)));
    }
}
