using System.Text.Json;
using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>
/// Golden values from tools/golden/generate_multivariate.py (NannyML's DataReconstructionDriftCalculator on
/// scikit-learn 1.2.1: SimpleImputer, count encoding, StandardScaler, PCA(n_components=0.65)). The test imputes and
/// encodes the fixture's raw rows, accumulates count, sums and sums of products in one pass (as the engine does),
/// fits from those and compares chunk values, components and thresholds to 1e-9 relative.
/// </summary>
public sealed class PcaReconstructionTests
{
    private const string File = "multivariate_cases.json";

    public static TheoryData<string> Cases => Fixture.Names(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pca_MatchesSklearn(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        string[] columns = c.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var categorical = c.GetProperty("categorical").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        int d = columns.Length;
        JsonElement[][] reference = Rows(c.GetProperty("reference"));
        JsonElement[][] current = Rows(c.GetProperty("current"));
        int chunkSize = c.GetProperty("chunk_size").GetInt32();

        // Imputation values and count-encoding frequencies from the reference.
        var fill = new double[d];
        var modes = new string?[d];
        var freqs = new Dictionary<string, double>[d];
        for (int j = 0; j < d; j++)
        {
            if (categorical.Contains(columns[j]))
            {
                var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (JsonElement[] row in reference)
                {
                    if (row[j].ValueKind == JsonValueKind.String)
                    {
                        counts[row[j].GetString()!] = counts.GetValueOrDefault(row[j].GetString()!) + 1;
                    }
                }
                // most_frequent; ties go to the smallest value (SimpleImputer).
                string mode = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
                modes[j] = mode;
                counts[mode] += reference.Count(r => r[j].ValueKind == JsonValueKind.Null);
                freqs[j] = counts.ToDictionary(p => p.Key, p => (double)p.Value / reference.Length, StringComparer.Ordinal);
            }
            else
            {
                double[] seen = reference.Where(r => r[j].ValueKind == JsonValueKind.Number).Select(r => r[j].GetDouble()).ToArray();
                fill[j] = seen.Sum() / seen.Length;
            }
        }
        double[] Encode(JsonElement[] row)
        {
            var x = new double[d];
            for (int j = 0; j < d; j++)
            {
                if (modes[j] is string mode)
                {
                    string v = row[j].ValueKind == JsonValueKind.String ? row[j].GetString()! : mode;
                    x[j] = freqs[j].GetValueOrDefault(v);
                }
                else
                {
                    x[j] = row[j].ValueKind == JsonValueKind.Number ? row[j].GetDouble() : fill[j];
                }
            }
            return x;
        }

        double[][] refX = reference.Select(Encode).ToArray();
        double[][] curX = current.Select(Encode).ToArray();

        var sums = new double[d];
        var products = new double[d, d];
        foreach (double[] x in refX)
        {
            for (int i = 0; i < d; i++)
            {
                sums[i] += x[i];
                for (int j = i; j < d; j++)
                {
                    products[i, j] += x[i] * x[j];
                }
            }
        }
        var (means, stds, cov) = PcaReconstruction.MomentsFromSums(refX.Length, sums, products);
        PcaReconstruction pca = PcaReconstruction.Fit(cov, means, stds);

        Assert.Equal(c.GetProperty("components").GetInt32(), pca.Components);
        Close(c, "scaler_mean", pca.Means);
        Close(c, "scaler_scale", pca.Scales);
        Close(c, "explained_variance_ratio", pca.ExplainedVarianceRatios);
        Fixture.Close(c.GetProperty("explained_variance").GetDouble(), pca.ExplainedVariance, "explained_variance");

        Close(c, "reference_row_errors_head", refX.Take(20).Select(x => pca.Error(x)).ToArray());
        Close(c, "current_row_errors_head", curX.Take(20).Select(x => pca.Error(x)).ToArray());
        double[] refValues = ChunkMeans(pca, refX, chunkSize);
        double[] curValues = ChunkMeans(pca, curX, chunkSize);
        Close(c, "reference_values", refValues);
        Close(c, "current_values", curValues);

        var (lower, upper) = PcaReconstruction.Thresholds(refValues);
        JsonElement expectedLower = c.GetProperty("threshold_lower");
        if (expectedLower.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(lower);
        }
        else
        {
            Assert.NotNull(lower);
            Fixture.Close(expectedLower.GetDouble(), lower.Value, "threshold_lower");
        }
        Fixture.Close(c.GetProperty("threshold_upper").GetDouble(), upper, "threshold_upper");
        bool[] alerts = c.GetProperty("alerts").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        Assert.Equal(alerts, curValues.Select(v => PcaReconstruction.Drifted(v, lower, upper)).ToArray());
    }

    [Fact]
    public void Pca_ComponentRuleIsSearchsortedRightPlusOne()
    {
        // Eigenvalues 2, 1, 1 of a diagonal covariance: ratios 0.5, 0.25, 0.25.
        var cov = new double[,] { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        double[] means = [0, 0, 0];
        double[] ones = [1, 1, 1];
        Assert.Equal(1, PcaReconstruction.Fit(cov, means, ones, 0.49).Components);
        Assert.Equal(2, PcaReconstruction.Fit(cov, means, ones, 0.5).Components); // cumsum 0.5 <= 0.5: one more
        Assert.Equal(2, PcaReconstruction.Fit(cov, means, ones, 0.65).Components);
        Assert.Equal(3, PcaReconstruction.Fit(cov, means, ones, 0.75).Components);
        double e = PcaReconstruction.Fit(cov, means, ones, 0.65).StandardizedError([3, 4, 12]);
        Assert.Equal(12, e, 12);
    }

    [Fact]
    public void Pca_ThresholdsDropANonPositiveLower()
    {
        var (lower, upper) = PcaReconstruction.Thresholds([1.0, 3.0]);
        Assert.Null(lower); // 2 - 3 * 1
        Assert.Equal(5.0, upper);
        Assert.True(PcaReconstruction.Drifted(5.0, lower, upper));
        Assert.False(PcaReconstruction.Drifted(-1.0, lower, upper));
    }

    private static double[] ChunkMeans(PcaReconstruction pca, double[][] rows, int chunkSize)
    {
        var values = new List<double>();
        for (int start = 0; start < rows.Length; start += chunkSize)
        {
            double[][] chunk = rows.Skip(start).Take(chunkSize).ToArray();
            values.Add(chunk.Sum(x => pca.Error(x)) / chunk.Length);
        }
        return values.ToArray();
    }

    private static JsonElement[][] Rows(JsonElement e) =>
        e.EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();

    private static void Close(JsonElement c, string property, IReadOnlyList<double> actual)
    {
        double[] expected = c.GetProperty(property).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Fixture.Close(expected[i], actual[i], $"{property}[{i}]");
        }
    }
}
