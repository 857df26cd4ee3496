using Vigil.Engine.Sources;

namespace Vigil.Engine.Tests;

public sealed class ShippedRowLimitTests
{
    [Theory]
    [InlineData("1000", 1000)]
    [InlineData(" 0 ", 0)]
    [InlineData("50_000_000", 50_000_000)]
    [InlineData("50,000,000", 50_000_000)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Parse_WholeNumbers(string text, long rows) => Assert.Equal(rows, ShippedRowLimit.Parse(text, "--max-shipped-rows"));

    [Theory]
    [InlineData("")]
    [InlineData("-3")]
    [InlineData("1e6")]
    [InlineData("10M")]
    [InlineData("1.5")]
    [InlineData("9223372036854775808")]
    public void Parse_Other_IsOneLineNamingTheSetting(string text)
    {
        var e = Assert.Throws<VigilInputException>(() => ShippedRowLimit.Parse(text, "VIGIL_MAX_SHIPPED_ROWS"));
        Assert.Equal($"VIGIL_MAX_SHIPPED_ROWS: '{text}' is not a number of rows; expected a whole number ≥ 0 (0 = no limit)", e.Message);
    }

    [Fact]
    public void Resolve_TheOptionWins_AndNegativeIsRefused()
    {
        Assert.Equal(new ShippedRowLimit(7, "--max-shipped-rows 7"), ShippedRowLimit.Resolve(7));
        Assert.False(ShippedRowLimit.Resolve(0).IsLimited);
        Assert.Throws<VigilInputException>(() => ShippedRowLimit.Resolve(-1));
    }

    [Fact]
    public void Exceeded_OneLine_SaysHowToProceed()
    {
        string m = new ShippedRowLimit(1234567, "--max-shipped-rows 1234567").Exceeded("clickhouse h:8123/db").Message;
        Assert.StartsWith("clickhouse h:8123/db: a query would ship more than 1,234,567 rows (--max-shipped-rows 1234567): raise the limit", m, StringComparison.Ordinal);
        Assert.Contains("round the score", m, StringComparison.Ordinal);
        Assert.EndsWith("; see docs/scale.md", m, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', m);
    }

    [Fact]
    public void AtStep_NamesTheStep_OnlyInTheLimitsMessage()
    {
        var limit = new ShippedRowLimit(10, "VIGIL_MAX_SHIPPED_ROWS=10");
        string m = ShippedRowLimit.AtStep(limit.Exceeded("postgres h:5432/db").Message, "Computing metrics");
        Assert.StartsWith("postgres h:5432/db: a query would ship more than 10 rows (VIGIL_MAX_SHIPPED_ROWS=10) at step \"Computing metrics\": raise the limit (", m, StringComparison.Ordinal);
        Assert.EndsWith("; see docs/scale.md", m, StringComparison.Ordinal);
        Assert.Equal("data.csv: no such file", ShippedRowLimit.AtStep("data.csv: no such file", "Computing metrics"));
    }

    [Fact]
    public void DuckDb_HasNoLimit()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-lim-").FullName;
        try
        {
            string csv = Path.Combine(dir, "a.csv");
            File.WriteAllText(csv, "x\n1\n2\n3\n");
            using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv], MaxShippedRows = 1 });
            Assert.False(s.Engine.RowLimit.IsLimited);
            Assert.Equal(3, s.Engine.Query($"SELECT * FROM {s.Relation}").RowCount);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
