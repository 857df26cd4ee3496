using System.Text.Json;
using Vigil.Statistics.Association;
using static Vigil.Statistics.Tests.Comparison.ComparisonFixture;

namespace Vigil.Statistics.Tests.Association;

public sealed class AssociationTests
{
    private const string File = "association_cases.json";

    private static JsonElement Get(string group, string name) =>
        Fixture.Cases(File).GetProperty(group).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    private static TheoryData<string> NamesOf(string group)
    {
        var d = new TheoryData<string>();
        foreach (var c in Fixture.Cases(File).GetProperty(group).EnumerateArray()) d.Add(c.GetProperty("name").GetString()!);
        return d;
    }

    public static TheoryData<string> SpearmanCases => NamesOf("spearman");
    public static TheoryData<string> MiCases => NamesOf("mutual_information");

    private static double[] Doubles(JsonElement c, string p) => c.GetProperty(p).EnumerateArray().Select(v => v.GetDouble()).ToArray();
    private static int[] Ints(JsonElement c, string p) => c.GetProperty(p).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    [Theory]
    [MemberData(nameof(SpearmanCases))]
    public void Spearman_MatchesScipy(string name)
    {
        var c = Get("spearman", name);
        var conf = D(c, "confidence");
        AssociationResult r;
        if (c.TryGetProperty("cells", out var cells))
        {
            var joint = cells.EnumerateArray().Select(e => new JointCount(e[0].GetDouble(), e[1].GetDouble(), e[2].GetInt64())).ToArray();
            r = Spearman.FromJointCounts(joint, conf);
        }
        else
        {
            r = Spearman.FromArrays(Doubles(c, "x"), Doubles(c, "y"), conf);
        }
        Assert.Equal(L(c, "rows"), r.Rows);
        Close(D(c, "value"), r.Value, $"{name} rho");
        if (Math.Abs(Math.Abs(r.Value) - 1.0) < 1e-12 && !double.IsNaN(D(c, "p")))
        {
            // scipy's ρ for a perfect monotone relation can be 1 − 1 ulp, giving p ≈ 1e-24 instead of 0.
            Assert.True(r.PValue <= D(c, "p") && r.PValue < 1e-20, $"{name} p {r.PValue}");
        }
        else
        {
            // scipy's t distribution and MathNet's incomplete beta agree to ~1e-10 relative in these ranges.
            Close(D(c, "p"), r.PValue, $"{name} p", 1e-8, 1e-300);
        }
        Close(D(c, "lower"), r.Lower, $"{name} lower");
        Close(D(c, "upper"), r.Upper, $"{name} upper");
        Assert.Equal(double.IsNaN(r.Value) || double.IsNaN(r.PValue) || double.IsNaN(r.Lower), r.Note is not null);
    }

    [Theory]
    [MemberData(nameof(MiCases))]
    public void MutualInformation_MatchesSklearn(string name)
    {
        var c = Get("mutual_information", name);
        var table = c.GetProperty("table").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        var flat = table.SelectMany(r => r).ToArray();
        var fromTable = MutualInformation.FromTable(flat, table.Length, table[0].Length);
        Close(D(c, "value"), fromTable.Value, $"{name} MI from table", 1e-9, 1e-15);
        Close(D(c, "p"), fromTable.PValue, $"{name} G-test p", 1e-8, 1e-300);
        Assert.True(double.IsNaN(fromTable.Lower) && double.IsNaN(fromTable.Upper));
        if (c.GetProperty("x_codes").ValueKind == JsonValueKind.Array)
        {
            var y = Doubles(c, "y");
            var yCodes = MutualInformation.QuantileBins(y, c.GetProperty("y_bins").GetInt32());
            Assert.Equal(Ints(c, "y_codes"), yCodes);
            AssociationResult fromArrays;
            if (c.GetProperty("categorical").GetBoolean())
            {
                fromArrays = MutualInformation.FromCodes(Ints(c, "x"), yCodes);
            }
            else
            {
                var x = Doubles(c, "x");
                Assert.Equal(Ints(c, "x_codes"), MutualInformation.QuantileBins(x, c.GetProperty("x_bins").GetInt32()));
                fromArrays = MutualInformation.Binned(x, c.GetProperty("x_bins").GetInt32(), y, c.GetProperty("y_bins").GetInt32());
            }
            Close(D(c, "value"), fromArrays.Value, $"{name} MI from arrays", 1e-9, 1e-15);
        }
    }

    [Fact]
    public void Spearman_GroupedEqualsExpanded()
    {
        double[] x = [1, 1, 2, 3, 3, 3, 5];
        double[] y = [0.2, 0.2, 0.1, 0.9, 0.4, 0.4, 0.8];
        var a = Spearman.FromArrays(x, y);
        var b = Spearman.FromJointCounts([new(1, 0.2, 2), new(2, 0.1, 1), new(3, 0.9, 1), new(3, 0.4, 2), new(5, 0.8, 1)]);
        Assert.Equal(a.Value, b.Value, 14);
        Assert.Equal(a.PValue, b.PValue, 14);
    }

    [Fact]
    public void Spearman_Huge_Counts()
    {
        var r = Spearman.FromJointCounts([new(0, 0, 1_000_000_000_000), new(1, 1, 1_000_000_000_000), new(0, 1, 10), new(1, 0, 10)]);
        Assert.InRange(r.Value, 0.999_999_999, 1.0);
        Assert.Equal(0.0, r.PValue);
    }

    [Fact]
    public void EmptyAndConstant()
    {
        Assert.Equal("no rows", Spearman.FromJointCounts([]).Note);
        Assert.Contains("constant", Spearman.FromArrays([1, 1, 1], [1, 2, 3]).Note);
        Assert.Equal("no rows", MutualInformation.FromTable([0, 0, 0, 0], 2, 2).Note);
        var one = MutualInformation.FromTable([5, 7], 1, 2);
        Assert.Equal(0.0, one.Value);
        Assert.Equal(1.0, one.PValue);
        Assert.Throws<ArgumentException>(() => MutualInformation.FromTable([1, 2, 3], 2, 2));
    }

    [Fact]
    public void MutualInformation_IndependentTable_IsZero()
    {
        // Rows proportional: a_i b_j / N in every cell.
        var r = MutualInformation.FromTable([2, 4, 6, 3, 6, 9], 2, 3);
        Assert.Equal(0.0, r.Value, 15);
        Assert.Equal(1.0, r.PValue, 12);
    }
}

public sealed class SpearmanSignedZeroTests
{
    [Fact]
    public void NegativeZero_IsTheSameValueAsZero()
    {
        var a = Spearman.FromJointCounts([new(-0.0, 1, 2), new(0.0, 2, 1), new(1, 3, 3), new(2, 0, 1)]);
        var b = Spearman.FromJointCounts([new(0.0, 1, 2), new(0.0, 2, 1), new(1, 3, 3), new(2, 0, 1)]);
        Assert.Equal(b.Value, a.Value);
    }
}
