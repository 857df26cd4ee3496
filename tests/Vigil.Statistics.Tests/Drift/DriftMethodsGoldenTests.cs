using System.Text.Json;
using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>Every implemented method, and the automatic choice, against tools/golden/generate_drift.py's fixture
/// (Evidently's definitions on SciPy 1.10.1): statistics to 1e-9 relative, p-values to 1e-9 relative (1e-300 absolute),
/// the threshold and the decision exactly.</summary>
public sealed class DriftMethodsGoldenTests
{
    private const string File = "drift_cases.json";

    public static TheoryData<string> Cases => Fixture.Names(File);

    internal static ValueCounts Counts(JsonElement c)
    {
        var numerical = c.GetProperty("kind").GetString() == "num";
        if (numerical)
        {
            static IEnumerable<double> Nums(JsonElement a) => a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN);
            return ValueCounts.FromSamples(Nums(c.GetProperty("reference")), Nums(c.GetProperty("current")));
        }
        static IEnumerable<string?> Strs(JsonElement a) => a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null);
        return ValueCounts.FromSamples(Strs(c.GetProperty("reference")), Strs(c.GetProperty("current")));
    }

    private static double? Value(JsonElement e, string property)
    {
        if (!e.TryGetProperty(property, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String => v.GetString() switch
            {
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var s => throw new InvalidOperationException($"unexpected number text '{s}'"),
            },
            _ => null,
        };
    }

    private static void Same(JsonElement expected, DriftTestResult actual, string what)
    {
        Assert.Equal(expected.GetProperty("method").GetString(), actual.Method);
        var stat = Value(expected, "statistic");
        var isTest = DriftMethods.IsTest(actual.Method);
        // p-value tests: the statistic that goes with the p-value; SciPy's z statistic has a sign convention of its own.
        if (stat is { } s)
        {
            Assert.True(actual.Statistic.HasValue, $"{what}: statistic missing");
            var a = actual.Method == "z" ? Math.Abs(actual.Statistic!.Value) : actual.Statistic!.Value;
            Fixture.Close(actual.Method == "z" ? Math.Abs(s) : s, a, $"{what} statistic");
        }
        else if (!isTest)
        {
            Assert.True(actual.Statistic is null || double.IsNaN(actual.Statistic.Value), $"{what}: statistic should be undefined, got {actual.Statistic}");
        }
        var p = Value(expected, "p_value");
        if (isTest)
        {
            if (p is { } pv)
            {
                Assert.True(actual.PValue.HasValue, $"{what}: p-value missing");
                Fixture.Close(pv, actual.PValue!.Value, $"{what} p-value", relative: 1e-9, absolute: 1e-300);
            }
            else Assert.True(actual.PValue is null || double.IsNaN(actual.PValue.Value), $"{what}: p-value should be undefined, got {actual.PValue}");
        }
        Assert.Equal(expected.GetProperty("threshold").GetDouble(), actual.Threshold);
        Assert.Equal(expected.GetProperty("drifted").GetBoolean(), actual.Drifted);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImplementedMethods_MatchEvidentlyOnSciPy(string name)
    {
        var c = Fixture.Case(File, name);
        var v = Counts(c);
        var checkedAny = false;
        foreach (var r in c.GetProperty("results").EnumerateArray())
        {
            var method = r.GetProperty("method").GetString()!;
            if (!DriftMethods.Names.Contains(method)) continue; // not implemented yet (see docs/drift-methods.md)
            Same(r, DriftMethods.Run(method, v), $"{name} {method}");
            checkedAny = true;
        }
        Assert.True(checkedAny, $"{name}: no implemented method in the fixture");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AutomaticChoice_MatchesEvidently(string name)
    {
        var c = Fixture.Case(File, name);
        var v = Counts(c);
        var auto = c.GetProperty("auto");
        var (method, reason) = DriftMethodChooser.Choose(v);
        Assert.Equal(auto.GetProperty("method").GetString(), method);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Same(auto, DriftMethods.Run(method, v, named: false), $"{name} auto");
    }

    [Fact]
    public void NamedMethods_RefuseTheOtherColumnType()
    {
        var num = ValueCounts.FromSamples([1.0, 2, 3], [2.0, 3, 4]);
        var cat = ValueCounts.FromSamples(["a", "b"], ["b", "c"]);
        Assert.NotNull(DriftMethods.Refusal("chisquare", num));
        Assert.NotNull(DriftMethods.Refusal("z", num));
        Assert.NotNull(DriftMethods.Refusal("ks", cat));
        Assert.NotNull(DriftMethods.Refusal("wasserstein", cat));
        Assert.Null(DriftMethods.Refusal("chisquare", num, named: false));
        Assert.Null(DriftMethods.Refusal("psi", cat));
        Assert.NotNull(DriftMethods.Refusal("nope", cat));
        Assert.Throws<ArgumentException>(() => DriftMethods.Run("ks", cat));
        var empty = ValueCounts.FromSamples(Array.Empty<double>(), [1.0]);
        Assert.NotNull(DriftMethods.Refusal("ks", empty));
    }

    [Fact]
    public void ValueCounts_RejectBadInput()
    {
        Assert.Throws<ArgumentException>(() => ValueCounts.Numerical([2.0, 1.0], [1, 1], [1, 1]));
        Assert.Throws<ArgumentException>(() => ValueCounts.Numerical([1.0, double.NaN], [1, 1], [1, 1]));
        Assert.Throws<ArgumentException>(() => ValueCounts.Numerical([1.0], [-1], [1]));
        Assert.Throws<ArgumentException>(() => ValueCounts.Categorical(["a", "a"], [1, 1], [1, 1]));
        var v = ValueCounts.FromSamples([double.NaN, double.PositiveInfinity, 1.0, -0.0, 0.0], [double.NegativeInfinity, 2.0]);
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, v.Numbers);
        Assert.Equal(new long[] { 2, 1, 0 }, v.Reference);
        Assert.Equal(3, v.ReferenceTotal);
        Assert.Equal(1, v.CurrentTotal);
    }
}
