using MathNet.Numerics.Distributions;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Tests.Comparison;

public sealed class BootstrapTests
{
    /// <summary>Accuracy at threshold 0.5 from a descending table.</summary>
    private static double Accuracy(ReadOnlySpan<ScoreCount> cells)
    {
        long right = 0, all = 0;
        foreach (var c in cells)
        {
            right += c.Score >= 0.5 ? c.Positives : c.Negatives;
            all += c.Positives + c.Negatives;
        }
        return (double)right / all;
    }

    private static double Auc(ReadOnlySpan<ScoreCount> cells)
    {
        var acc = new DeLongAccumulator();
        foreach (var c in cells) acc.Add(c.Score, c.Positives, c.Negatives);
        return acc.Finish().Auc;
    }

    /// <summary>A table of 101 scores 0.00 … 1.00 with positives leaning high.</summary>
    private static ScoreCount[] Table(int seed, int rows, double shift)
    {
        var rng = new Random(seed);
        var pos = new long[101];
        var neg = new long[101];
        for (var i = 0; i < rows; i++)
        {
            var y = rng.NextDouble() < 0.35;
            var s = Math.Clamp(rng.NextDouble() * 0.7 + (y ? shift : 0.0), 0, 1);
            var k = (int)Math.Round(s * 100);
            if (y) pos[k]++; else neg[k]++;
        }
        return Enumerable.Range(0, 101).Reverse().Where(k => pos[k] + neg[k] > 0)
            .Select(k => new ScoreCount(k / 100.0, pos[k], neg[k])).ToArray();
    }

    private static double Sd(double[] x)
    {
        var m = x.Average();
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Length - 1));
    }

    /// <summary>Variance of accuracy when the class counts are fixed: (m/N)²·TPR(1 − TPR)/m + (n/N)²·TNR(1 − TNR)/n.</summary>
    private static double StratifiedAccuracyVariance(ScoreCount[] t)
    {
        double m = t.Sum(c => c.Positives), n = t.Sum(c => c.Negatives), total = m + n;
        double tpr = t.Where(c => c.Score >= 0.5).Sum(c => c.Positives) / m, tnr = t.Where(c => c.Score < 0.5).Sum(c => c.Negatives) / n;
        return m / total * (m / total) * tpr * (1 - tpr) / m + n / total * (n / total) * tnr * (1 - tnr) / n;
    }

    [Fact]
    public void Unpaired_SameSeed_SameResult_OtherSeed_Differs()
    {
        var a = Table(1, 3000, 0.3);
        var b = Table(2, 2500, 0.35);
        var r1 = Bootstrap.Unpaired(a, b, Accuracy, new BootstrapOptions { Replicates = 200, Seed = 7 });
        var r2 = Bootstrap.Unpaired(a, b, Accuracy, new BootstrapOptions { Replicates = 200, Seed = 7 });
        var r3 = Bootstrap.Unpaired(a, b, Accuracy, new BootstrapOptions { Replicates = 200, Seed = 8 });
        Assert.Equal(r1, r2);
        Assert.NotEqual(r1.Lower, r3.Lower);
        Assert.Equal(Accuracy(b) - Accuracy(a), r1.Value);
        Assert.Contains("stratified bootstrap (unpaired, 200 replicates, seed 7", r1.Test);
    }

    [Fact]
    public void Unpaired_AccuracyStandardError_AgreesWithClosedForm()
    {
        var a = Table(3, 4000, 0.3);
        var b = Table(4, 3000, 0.25);
        var run = Bootstrap.RunUnpaired(a, b, Accuracy, new BootstrapOptions { Replicates = 2000, Seed = 1 });
        var analytic = Math.Sqrt(StratifiedAccuracyVariance(a) + StratifiedAccuracyVariance(b));
        var sd = Sd(run.Replicates);
        Assert.InRange(sd / analytic, 0.9, 1.1);
        Assert.True(run.Result.Lower < run.Result.Value && run.Result.Value < run.Result.Upper);
        // The percentile interval is close to the normal one.
        Assert.InRange((run.Result.Upper - run.Result.Lower) / (2 * 1.959964 * analytic), 0.85, 1.15);
    }

    [Fact]
    public void Unpaired_AucStandardError_AgreesWithDeLong()
    {
        var a = Table(5, 3000, 0.3);
        var b = Table(6, 3000, 0.2);
        var run = Bootstrap.RunUnpaired(a, b, Auc, new BootstrapOptions { Replicates = 1500, Seed = 3 });
        var delong = Math.Sqrt(DeLong.Compute(a).Variance + DeLong.Compute(b).Variance);
        Assert.InRange(Sd(run.Replicates) / delong, 0.9, 1.1);
    }

    [Fact]
    public void Paired_AccuracyStandardError_AgreesWithClosedForm()
    {
        // Two models on the same rows: B = A's score plus noise.
        var rng = new Random(11);
        var cells = new Dictionary<(double, double), (long P, long N)>();
        for (var i = 0; i < 5000; i++)
        {
            var y = rng.NextDouble() < 0.4;
            var a = Math.Round(Math.Clamp(rng.NextDouble() * 0.7 + (y ? 0.3 : 0), 0, 1), 2);
            var b = Math.Round(Math.Clamp(a + (rng.NextDouble() - 0.45) * 0.3, 0, 1), 2);
            cells.TryGetValue((a, b), out var v);
            cells[(a, b)] = y ? (v.P + 1, v.N) : (v.P, v.N + 1);
        }
        var table = cells.Select(kv => new PairedScoreCount(kv.Key.Item1, kv.Key.Item2, kv.Value.P, kv.Value.N)).ToArray();
        var run = Bootstrap.RunPaired(table, Accuracy, new BootstrapOptions { Replicates = 1000, Seed = 5 });
        // Per row d = right(B) − right(A) ∈ {−1, 0, 1}; with class counts fixed, Var = Σ_class (k/N)²·Var_class(d)/k (plug-in variance).
        double m = table.Sum(c => c.Positives), n = table.Sum(c => c.Negatives), total = m + n;
        double VarD(Func<PairedScoreCount, long> count, bool positive)
        {
            double k = 0, s = 0, s2 = 0;
            foreach (var c in table)
            {
                var rightA = (c.ScoreA >= 0.5) == positive ? 1 : 0;
                var rightB = (c.ScoreB >= 0.5) == positive ? 1 : 0;
                double d = rightB - rightA, w = count(c);
                k += w; s += w * d; s2 += w * d * d;
            }
            return s2 / k - (s / k) * (s / k);
        }
        var analytic = Math.Sqrt(m / total * (m / total) * VarD(c => c.Positives, true) / m + n / total * (n / total) * VarD(c => c.Negatives, false) / n);
        Assert.InRange(Sd(run.Replicates) / analytic, 0.9, 1.1);
        var again = Bootstrap.Paired(table, Accuracy, new BootstrapOptions { Replicates = 1000, Seed = 5 });
        Assert.Equal(run.Result, again);
        Assert.Contains("paired", again.Test);
    }

    [Fact]
    public void PValue_BoundedBelowByOneOverBPlusOne()
    {
        var a = Table(1, 3000, 0.05);
        var b = Table(2, 3000, 0.6);
        var r = Bootstrap.Unpaired(a, b, Auc, new BootstrapOptions { Replicates = 99 });
        Assert.Equal(0.01, r.PValue, 15);
        var same = Bootstrap.Unpaired(a, a, Auc, new BootstrapOptions { Replicates = 400 });
        Assert.InRange(same.PValue, 0.2, 1.0);
    }

    [Fact]
    public void ManyCells_MergedIntoQuantileGroups_SaysSo()
    {
        var rng = new Random(3);
        var a = Enumerable.Range(0, 3000).Select(i => { var y = rng.NextDouble() < 0.3; return new ScoreCount(rng.NextDouble() + (y ? 0.2 : 0), y ? 1 : 0, y ? 0 : 1); }).ToArray();
        var b = Enumerable.Range(0, 3000).Select(i => { var y = rng.NextDouble() < 0.3; return new ScoreCount(rng.NextDouble() + (y ? 0.3 : 0), y ? 1 : 0, y ? 0 : 1); }).ToArray();
        var full = Bootstrap.Unpaired(a, b, Auc, new BootstrapOptions { Replicates = 300 });
        var merged = Bootstrap.Unpaired(a, b, Auc, new BootstrapOptions { Replicates = 300, MaxCells = 500 });
        Assert.DoesNotContain("merged", full.Test);
        Assert.Contains("cells merged into 500 score-quantile groups", merged.Test);
        Assert.Equal(full.Value, merged.Value);
        Assert.InRange((merged.Upper - merged.Lower) / (full.Upper - full.Lower), 0.85, 1.15);
        var m = Bootstrap.Merge([.. a.OrderByDescending(c => c.Score)], 500);
        Assert.Equal(500, m.Length);
        Assert.Equal(a.Sum(c => c.Positives), m.Sum(c => c.Positives));
        for (var i = 1; i < m.Length; i++) Assert.True(m[i].Score < m[i - 1].Score);
    }

    [Fact]
    public void UndefinedMetric_NaNWithReason()
    {
        ScoreCount[] oneClass = [new(0.9, 3, 0), new(0.2, 1, 0)];
        var r = Bootstrap.Unpaired(oneClass, Table(1, 100, 0.3), Auc, new BootstrapOptions { Replicates = 10 });
        Assert.True(double.IsNaN(r.Value));
        Assert.Contains("undefined", r.Note);
    }

    [Theory]
    [InlineData(40, 0.3)]        // BTRD (n·p ≥ 10)
    [InlineData(30, 0.1)]        // inversion
    [InlineData(200, 0.93)]      // BTRD on 1 − p
    [InlineData(1000, 0.004)]    // inversion, small p
    [InlineData(10000, 0.5)]     // BTRD, wide
    public void Binomial_MatchesDistribution(int n, double p)
    {
        var rng = new SeededBinomial(123);
        const int draws = 200_000;
        var counts = new long[n + 1];
        for (var i = 0; i < draws; i++) counts[rng.Binomial(n, p)]++;
        // Pearson χ² over cells with expected count ≥ 5 (the rest pooled).
        double chi = 0, pooledObs = 0, pooledExp = 0;
        var df = -1;
        for (var k = 0; k <= n; k++)
        {
            var e = draws * Binomial.PMF(p, n, k);
            if (e >= 5) { chi += (counts[k] - e) * (counts[k] - e) / e; df++; }
            else { pooledObs += counts[k]; pooledExp += e; }
        }
        if (pooledExp > 0) { chi += (pooledObs - pooledExp) * (pooledObs - pooledExp) / pooledExp; df++; }
        Assert.True(1 - ChiSquared.CDF(df, chi) > 1e-4, $"χ² = {chi} on {df} df");
    }

    [Fact]
    public void Binomial_HugeN_MeanAndVariance()
    {
        var rng = new SeededBinomial(9);
        const long n = 1_000_000_000_000;
        const double p = 0.3;
        double s = 0, s2 = 0;
        const int draws = 20_000;
        for (var i = 0; i < draws; i++)
        {
            var z = (rng.Binomial(n, p) - n * p) / Math.Sqrt(n * p * (1 - p));
            s += z; s2 += z * z;
        }
        Assert.InRange(s / draws, -0.05, 0.05);
        Assert.InRange(s2 / draws, 0.95, 1.05);
        var into = new long[4];
        rng.Multinomial(1_000_000_000_000, [1, 0, 5, 4], into);
        Assert.Equal(1_000_000_000_000, into.Sum());
        Assert.Equal(0, into[1]);
    }
}
