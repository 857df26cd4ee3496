using Vigil.Statistics.Streaming;

namespace Vigil.Statistics.Tests.Streaming;

/// <summary>Each update rule on tiny streams checked by hand (values in the comments), and the shared contract.</summary>
public sealed class StreamingUnitTests
{
    public static TheoryData<string> Names => new() { "ADWIN", "DDM", "EDDM", "KSWIN", "PageHinkley" };

    private static IStreamDetector Create(string name) => name switch
    {
        "ADWIN" => new Adwin(),
        "DDM" => new Ddm(),
        "EDDM" => new Eddm(),
        "KSWIN" => new Kswin(seed: 1),
        _ => new PageHinkley(),
    };

    [Fact]
    public void PageHinkley_Increase()
    {
        // minInstances 1, delta 0, lambda 1, no fading. x = 0, 0, 3: mean 0, 0, 1; dev 0, 0, 2;
        // U = 0, 0, 2 with min 0 -> U - min U = 2 > 1 at the third value; L = U, max L - L = 0.
        var ph = new PageHinkley(minInstances: 1, delta: 0, threshold: 1, alpha: 1);
        Assert.False(ph.Update(0));
        Assert.False(ph.Update(0));
        Assert.True(ph.Update(3));
        Assert.Equal(2.0, ph.IncreaseStatistic);
        Assert.Equal(0.0, ph.DecreaseStatistic);
        Assert.False(new PageHinkley(1, 0, 1, 1, PageHinkleyMode.Down).Update(0) );
        // The next update restarts: a single value cannot exceed the threshold.
        Assert.False(ph.Update(100));
        Assert.Equal(0.0, ph.IncreaseStatistic);
        Assert.Equal(4, ph.Count);
        Assert.Equal(1, ph.Detections);
    }

    [Theory]
    [InlineData(PageHinkleyMode.Both, true)]
    [InlineData(PageHinkleyMode.Down, true)]
    [InlineData(PageHinkleyMode.Up, false)]
    public void PageHinkley_DecreaseAndModes(PageHinkleyMode mode, bool detects)
    {
        // x = 3, 3, 0: mean 3, 3, 2; dev 0, 0, -2; L = 0, 0, -2 with max 0 -> max L - L = 2 > 1.
        var ph = new PageHinkley(minInstances: 1, delta: 0, threshold: 1, alpha: 1, mode: mode);
        ph.Update(3);
        ph.Update(3);
        Assert.Equal(detects, ph.Update(0));
        Assert.Equal(2.0, ph.DecreaseStatistic);
    }

    [Fact]
    public void PageHinkley_DeltaFadingAndMinInstances()
    {
        // delta 0.5, alpha 0.5, x = 0, 4: mean 0, 2; U = -0.5, 0.5*(-0.5) + 2 - 0.5 = 1.25, min -0.5 -> 1.75;
        // L = 0.5, 0.25 + 2 + 0.5 = 2.75; River starts max L at -1, so max L = 2.75 and max L - L = 0.
        var ph = new PageHinkley(minInstances: 3, delta: 0.5, threshold: 1, alpha: 0.5);
        ph.Update(0);
        Assert.False(ph.Update(4));           // 1.75 > 1, but only 2 < minInstances values
        Assert.Equal(1.75, ph.IncreaseStatistic);
        Assert.Equal(0.0, ph.DecreaseStatistic);
    }

    [Fact]
    public void Ddm_WarningThenNothing()
    {
        // warmStart 2. n = 3: p = 1/3, s = sqrt(2/27) = 0.2722 -> minimum (p + s = 0.6055).
        // n = 4: p = 0.25, s = 0.2165 -> new minimum 0.4665. n = 5: p + s = 0.4 + 0.2191 = 0.6191 <= 0.25 + 2·0.2165.
        // n = 6: p + s = 0.5 + 0.2041 = 0.7041 > 0.6830 (warning) and <= 0.8995 (no drift).
        var ddm = new Ddm(warmStart: 2);
        bool[] bits = [false, false, true, false, true, true];
        for (var i = 0; i < 5; i++)
        {
            Assert.False(ddm.Update(bits[i]));
            Assert.False(ddm.WarningDetected);
        }
        Assert.False(ddm.Update(bits[5]));
        Assert.True(ddm.WarningDetected);
        Assert.Equal(0.5, ddm.ErrorRate);
    }

    [Fact]
    public void Ddm_FirstErrorAfterPerfectRunIsADrift()
    {
        // warmStart 3: n = 4 and 5 give p = s = 0, so p_min = s_min = 0; the first error makes p + s > 0 (River's DDM).
        var ddm = new Ddm(warmStart: 3);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(ddm.Update(0));
        }
        Assert.True(ddm.Update(1));
        Assert.False(ddm.WarningDetected);
        // Restart on the next update: the error rate starts again from this value.
        ddm.Update(1);
        Assert.Equal(1.0, ddm.ErrorRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => ddm.Update(0.5));
    }

    [Fact]
    public void Eddm_WarningThenDrift()
    {
        // warmStart 0, alpha 0.95, beta 0.9. Errors at n = 1, 3, 5, 6, 7 (distances 1, 2, 2, 1, 1).
        // n=1: mean 1, sd 0, p2s 1 (max). n=3: mean 1.5, var 0.5, p2s 2.9142 (max). n=5: mean 1.6667, var 1/3,
        // p2s 2.8214, level 0.968 (nothing). n=6: mean 1.5, var 1/3, p2s 2.6547, level 0.911 (warning).
        // n=7: mean 1.4, var 0.3, p2s 2.4954, level 0.856 < 0.9 (drift).
        var eddm = new Eddm(warmStart: 0);
        double[] bits = [1, 0, 1, 0, 1, 1, 1];
        bool[] warning = [false, false, false, false, false, true, true];
        for (var i = 0; i < bits.Length; i++)
        {
            Assert.Equal(i == 6, eddm.Update(bits[i]));
            Assert.Equal(warning[i], eddm.WarningDetected);
        }
        eddm.Update(0);
        Assert.False(eddm.WarningDetected);
        Assert.Throws<ArgumentException>(() => new Eddm(alpha: 0.8, beta: 0.9));
    }

    [Fact]
    public void Eddm_CorrectValuesKeepTheWarning()
    {
        var eddm = new Eddm(warmStart: 0);
        foreach (double b in new double[] { 1, 0, 1, 0, 1, 1 })
        {
            eddm.Update(b);
        }
        Assert.True(eddm.WarningDetected);
        eddm.Update(0);
        eddm.Update(0);
        Assert.True(eddm.WarningDetected);
    }

    [Fact]
    public void Adwin_WindowStatistics()
    {
        var adwin = new Adwin();
        foreach (double v in new double[] { 1, 2, 3, 4, 5 })
        {
            adwin.Update(v);
        }
        Assert.Equal(5, adwin.Width);
        Assert.Equal(15, adwin.Total);
        Assert.Equal(3, adwin.Estimation);
        Assert.Equal(10, adwin.Variance, 12);   // sum of squared deviations: 4 + 1 + 0 + 1 + 4

        // Merged buckets keep the exact totals and the sum of squared deviations.
        var rng = new Random(999);
        var big = new Adwin(clock: 1_000_000);
        var values = new double[500];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = 5 + 2 * (rng.NextDouble() - 0.5);
            big.Update(values[i]);
        }
        double mean = values.Average();
        Assert.Equal(500, big.Width);
        Assert.Equal(values.Sum(), big.Total, 1e-9);
        Assert.Equal(values.Sum(v => (v - mean) * (v - mean)), big.Variance, 1e-9);
    }

    [Fact]
    public void Adwin_CutRuleMatchesBruteForce()
    {
        // With maxBuckets large no bucket is merged and clock 1 tests every update, so ADWIN must cut exactly where a
        // direct O(W²) evaluation of River's rule over the raw window does: oldest cut first, drop the oldest value on
        // a significant cut and test again; eps = sqrt(2·m·(V/W)·d') + 2/3·d'·m, d' = ln(2 ln W / delta),
        // m = 1/(n0 − 5 + 1) + 1/(n1 − 5 + 1).
        var rng = new Random(3);
        var adwin = new Adwin(clock: 1, maxBuckets: 4096);
        var window = new List<double>();
        var detections = 0;
        for (var t = 0; t < 1500; t++)
        {
            double x = (t / 300 % 2 == 0 ? 0.0 : 0.8) + Gaussian(rng);
            bool expected = BruteForce(window, x);
            Assert.Equal(expected, adwin.Update(x));
            Assert.Equal(window.Count, adwin.Width);
            detections += expected ? 1 : 0;
            if (expected)
            {
                window.Clear();   // River restarts on the next update
            }
        }
        Assert.InRange(detections, 3, 100);
    }

    private static bool BruteForce(List<double> w, double x)
    {
        w.Add(x);
        if (w.Count <= 10)
        {
            return false;
        }
        var detected = false;
        bool again = true;
        while (again)
        {
            again = false;
            double width = w.Count, mean = w.Average();
            double v = 0;
            var prefix = new double[w.Count + 1];
            for (var i = 0; i < w.Count; i++)
            {
                v += (w[i] - mean) * (w[i] - mean);
                prefix[i + 1] = prefix[i] + w[i];
            }
            for (var n0 = 5; n0 <= w.Count - 5; n0++)
            {
                int n1 = w.Count - n0;
                double m0 = prefix[n0] / n0, m1 = (prefix[w.Count] - prefix[n0]) / n1;
                double dp = Math.Log(2 * Math.Log(width) / 0.002);
                double m = 1.0 / (n0 - 4) + 1.0 / (n1 - 4);
                double eps = Math.Sqrt(2 * m * (v / width) * dp) + 2.0 / 3.0 * dp * m;
                if (Math.Abs(m0 - m1) > eps)
                {
                    w.RemoveAt(0);
                    detected = again = true;
                    break;
                }
            }
        }
        return detected;
    }

    internal static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    [Fact]
    public void Kswin_StatisticAndWindow()
    {
        Assert.Equal(1.0, Kswin.KsStatistic([3, 1, 2], [6, 4, 5], new double[6]));
        // Ties: F1 − F2 at the pooled values 1, 2, 2, 3 is 1/2, 0, 0, 0, so D = 1/2.
        Assert.Equal(0.5, Kswin.KsStatistic([1, 2], [2, 3], new double[4]));

        var kswin = new Kswin(windowSize: 10, statSize: 3, seed: 5);
        for (var i = 0; i < 9; i++)
        {
            Assert.False(kswin.Update(i % 2));
            Assert.Equal(0.0, kswin.PValue);   // no test until the window is full
        }
        kswin.Update(0);
        Assert.True(kswin.PValue > 0);

        // A warm window: the first update already tests.
        var warm = new Kswin(seed: 1, window: Enumerable.Repeat(0.0, 99));
        Assert.False(warm.Update(0));
        Assert.Equal(1.0, warm.PValue);
        Assert.Equal(0.0, warm.Statistic);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Kswin(windowSize: 50, statSize: 30));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Contract_ResetAndInput(string name)
    {
        IStreamDetector d = Create(name);
        Assert.Equal(name, d.Name);
        var rng = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            double x = name is "DDM" or "EDDM" ? (rng.NextDouble() < (i < 1500 ? 0.1 : 0.5) ? 1 : 0)
                : (i < 1500 ? 0 : 3) + Gaussian(rng);
            Assert.Equal(d.Update(x), d.DriftDetected);
        }
        Assert.Equal(3000, d.Count);
        Assert.True(d.Detections >= 1);
        d.Reset();
        Assert.Equal(0, d.Count);
        Assert.Equal(0, d.Detections);
        Assert.False(d.DriftDetected);
        Assert.False(d.WarningDetected);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Update(double.NaN));
    }
}
