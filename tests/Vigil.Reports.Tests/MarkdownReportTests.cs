using System.Text.RegularExpressions;

namespace Vigil.Reports.Tests;

public partial class MarkdownReportTests
{
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    /// <summary>The tables of a document: runs of lines starting with |.</summary>
    private static List<List<string>> Tables(string md)
    {
        var tables = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in md.Split('\n'))
        {
            if (line.StartsWith('|')) (current ??= []).Add(line);
            else if (current is not null) { tables.Add(current); current = null; }
        }
        if (current is not null) tables.Add(current);
        return tables;
    }

    private static void AssertValidTables(string md, int expectedTables)
    {
        var tables = Tables(md);
        Assert.Equal(expectedTables, tables.Count);
        foreach (var t in tables)
        {
            Assert.True(t.Count >= 2);
            Assert.Matches(@"^\|( ---:? \|)+$", t[1]);
            int pipes = UnescapedPipe().Matches(t[0]).Count;
            foreach (var line in t)
            {
                Assert.EndsWith("|", line, StringComparison.Ordinal);
                Assert.Equal(pipes, UnescapedPipe().Matches(line).Count);
            }
        }
    }

    [Fact]
    public void Binary_HasHeadingsAndValidTables()
    {
        string md = MarkdownReport.ToMarkdown(Fixtures.Binary());
        Assert.StartsWith("# Vigil evaluation\n", md, StringComparison.Ordinal);
        Assert.Contains("## Metrics", md, StringComparison.Ordinal);
        Assert.Contains("| roc_auc | 0.9123 |", md, StringComparison.Ordinal);
        Assert.Contains("| mcc | — | undefined: only one class predicted |", md, StringComparison.Ordinal);
        Assert.Contains(MarkdownReport.ChartsNote, md, StringComparison.Ordinal);
        AssertValidTables(md, 4); // metrics, confusion, best thresholds, thresholds
    }

    [Fact]
    public void Multiclass_Regression_Segmented_HaveValidTables()
    {
        AssertValidTables(MarkdownReport.ToMarkdown(Fixtures.Multiclass()), 3);
        AssertValidTables(MarkdownReport.ToMarkdown(Fixtures.Regression()), 2);
        string seg = MarkdownReport.ToMarkdown(Fixtures.Segmented());
        AssertValidTables(seg, 5);
        Assert.Contains("| DE\\|AT |", seg, StringComparison.Ordinal);
        Assert.Contains("&lt;bird&gt;", MarkdownReport.ToMarkdown(Fixtures.Multiclass()), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_HasVerdictPeriodsQualityAndColumns()
    {
        var r = Fixtures.Summary();
        string md = MarkdownReport.ToMarkdown(r);
        Assert.Contains("**Verdict:** " + Fixtures.SummaryVerdict, md, StringComparison.Ordinal);
        Assert.Contains("## Per day", md, StringComparison.Ordinal);
        Assert.Contains("## Data quality findings", md, StringComparison.Ordinal);
        // The verdict first, then the findings it is about, then the detail.
        Assert.True(md.IndexOf("**Verdict:**", StringComparison.Ordinal) < md.IndexOf("## Data quality findings", StringComparison.Ordinal));
        Assert.True(md.IndexOf("## Data quality findings", StringComparison.Ordinal) < md.IndexOf("## Overall", StringComparison.Ordinal));
        AssertValidTables(md, 4); // quality, overall, periods, columns
        var tables = Tables(md);
        Assert.Equal(r.Periods.Count + 2, tables[2].Count);
        Assert.Equal(12, tables[0].Count);
        Assert.StartsWith("| error | duplicate_id |", tables[0][2], StringComparison.Ordinal);
        Assert.StartsWith("| info |", tables[0][^1], StringComparison.Ordinal);
        Assert.Contains("x\\|1, x2", md, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;amount\\|eur&lt;/b&gt;", md, StringComparison.Ordinal);
        Assert.Contains("roc_auc undefined in 3 periods: no labels yet", md, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileVersion_IsEscaped()
    {
        string md = MarkdownReport.ToMarkdown(Fixtures.Summary(Fixtures.Hostile));
        Assert.DoesNotContain("<script>", md, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("line1\nline2", "line1 line2")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("x<y & z>w", "x&lt;y &amp; z&gt;w")]
    public void Cell_Escapes(string input, string expected) => Assert.Equal(expected, MarkdownReport.Cell(input));
}
