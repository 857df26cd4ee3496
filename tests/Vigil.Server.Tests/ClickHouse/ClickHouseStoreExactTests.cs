using System.Globalization;
using System.Text;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Testing.ClickHouse;

namespace Vigil.Server.Tests.ClickHouse;

/// <summary>The ClickHouse store keeps every double with the bits it received: predictions, scores, features, latencies,
/// class probabilities and late labels (the labelled row is written again whole, with a higher rev) are inserted as
/// RowBinary, not as text, which 18.16 parses one ulp off for some values (-3.548805 among them; the control below shows
/// that text would change some of these very values).</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseStoreExactTests(ClickHouseCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chexact-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>-3.548805 (which 18.16 stores as …CDC from text, …CDD being right), 200 six-decimal values, 200 doubles
    /// of random magnitude (1e-30 to 1e30) with full 17-digit mantissas, and -0.0, ±inf, the smallest subnormal, the
    /// largest double.</summary>
    internal static double[] Values()
    {
        var rng = new Random(20261203);
        var v = new List<double> { -3.548805, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, 0.1, 1.0 / 3 };
        for (var i = 0; i < 200; i++)
            v.Add(double.Parse((rng.NextDouble() * 200 - 100).ToString("F6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        for (var i = 0; i < 200; i++)
            v.Add((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-30, 31)));
        return [.. v];
    }

    private static string Bits(double x) => BitConverter.DoubleToUInt64Bits(x).ToString(CultureInfo.InvariantCulture);

    /// <summary>The stored bits of a Float64 column (NULL as "N"), by id.</summary>
    private Dictionary<string, string> Stored(string model, string column)
    {
        var text = cluster.Sql(0, $"SELECT id, if(isNull({column}), 'N', toString(reinterpretAsUInt64(reinterpretAsString(assumeNotNull({column}))))) " +
                                  $"FROM {PredictionStore.TableOf(model)} FINAL FORMAT TSV");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    private static void AssertAll(Dictionary<string, string> stored, int n, Func<int, double> want, string what)
    {
        Assert.Equal(n, stored.Count);
        var wrong = Enumerable.Range(0, n).Where(i => stored[$"e{i}"] != (double.IsNaN(want(i)) ? "N" : Bits(want(i)))).ToList();
        Assert.True(wrong.Count == 0, $"{what}: {wrong.Count} of {n} stored with other bits, e.g. {string.Join(", ", wrong.Take(5).Select(i => $"{want(i):R} as {stored[$"e{i}"]}, not {Bits(want(i))}"))}");
    }

    [SkippableFact]
    public async Task Doubles_AreStoredWithTheBitsReceived_PredictionsAndLateLabels()
    {
        cluster.Require();
        var v = Values();
        var n = v.Length;

        // The control: as text (CSV, the same parser as the old TSV insert), 18.16 stores some of these values one ulp off.
        cluster.Sql(0, "DROP TABLE IF EXISTS chexact_text");
        cluster.Sql(0, "CREATE TABLE chexact_text (i UInt32, x Float64) ENGINE = Memory");
        var csv = new StringBuilder("i,x\n");
        for (var i = 0; i < n; i++) csv.Append(i).Append(',').Append(double.IsInfinity(v[i]) ? (v[i] > 0 ? "inf" : "-inf") : v[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        cluster.InsertCsv("chexact_text", csv.ToString());
        var asText = cluster.Sql(0, "SELECT i, toString(reinterpretAsUInt64(reinterpretAsString(x))) FROM chexact_text FORMAT TSV")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => p[1]);
        var offAsText = Enumerable.Range(0, n).Count(i => asText[i] != Bits(v[i]));
        Assert.NotEqual(Bits(-3.548805), asText[0]);
        Assert.True(offAsText >= 5, $"text stored {offAsText} of {n} values off");
        cluster.Sql(0, "DROP TABLE chexact_text");

        ClusterStore.Drop(cluster, "chexact_reg", "chexact_multi");
        var config = ServiceConfigLoader.Parse($$"""
            store: {{ClusterStore.Url(cluster, _dir)}}
            keys:
              - key: admin-key-0001
                scopes: [admin]
            models:
              chexact_reg:
                task: regression
                schema:
                  features:
                    amount: number
                    country: category
              chexact_multi:
                task: multiclass
                classes: [a, b, c]
            """, "vigil.yaml", ".");
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        double At(int i) => v[i % n];
        double Amount(int i) => i % 50 == 7 ? double.NaN : At(i + 2); // NaN: no value, stored as NULL
        using (var store = PredictionStore.Open(config))
        {
            var reg = Enumerable.Range(0, n).Select(i => new PredictionRecord($"e{i}", now.AddSeconds(-i), "v1", null, At(i), null, At(i + 1), null,
                [Amount(i), double.NaN], [null, "DE"])).ToList();
            Assert.Equal(n, (await store.InsertAsync("chexact_reg", reg)).Count);
            var multi = Enumerable.Range(0, n).Select(i => new PredictionRecord($"e{i}", now.AddSeconds(-i), null, At(i), "a", null, null, null, [], [])
            {
                Probabilities = [At(i), At(i + 1), At(i + 2)],
            }).ToList();
            Assert.Equal(n, (await store.InsertAsync("chexact_multi", multi)).Count);

            AssertAll(Stored("chexact_reg", "prediction"), n, At, "prediction");
            AssertAll(Stored("chexact_reg", "latency_ms"), n, i => At(i + 1), "latency_ms");
            AssertAll(Stored("chexact_reg", "f_amount"), n, Amount, "f_amount");
            AssertAll(Stored("chexact_reg", "label"), n, _ => double.NaN, "label before");
            AssertAll(Stored("chexact_multi", "score"), n, At, "score");
            for (var k = 0; k < 3; k++)
            {
                var kk = k;
                AssertAll(Stored("chexact_multi", ModelConfig.ProbabilityColumn(new[] { "a", "b", "c" }[k])), n, i => At(i + kk), "probability " + k);
            }

            // Late labels: each labelled row is read back (as text, parsed correctly rounded) and written again whole as
            // RowBinary with a higher rev: the label has the bits sent and the other doubles keep theirs.
            var labels = Enumerable.Range(0, n).Select(i => new LabelRecord($"e{i}", At(i + 3), now)).ToList();
            Assert.Equal(n, store.SetLabels("chexact_reg", labels).Count);
        }
        AssertAll(Stored("chexact_reg", "label"), n, i => At(i + 3), "label");
        AssertAll(Stored("chexact_reg", "prediction"), n, At, "prediction after the label");
        AssertAll(Stored("chexact_reg", "latency_ms"), n, i => At(i + 1), "latency_ms after the label");
        AssertAll(Stored("chexact_reg", "f_amount"), n, Amount, "f_amount after the label");
        // The other columns came back too: the text, the version, the label's time.
        Assert.Equal(n.ToString(CultureInfo.InvariantCulture), cluster.Sql(0, "SELECT count() FROM predictions_chexact_reg FINAL WHERE f_country = 'DE' AND version = 'v1' AND label_ts IS NOT NULL").Trim());
    }
}
