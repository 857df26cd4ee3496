using System.Text.Json;
using Vigil.Analysis.Summary;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Summary;

/// <summary>The daily summary agrees with the pandas + scikit-learn baseline (bench/baseline_summary.py, fixture made by
/// tools/golden/generate_summary.sh) on every period, version and metric, to 1e-9 relative.</summary>
public class SummaryGoldenTests
{
    [Fact]
    public void DailyMetrics_MatchPandasAndScikitLearn()
    {
        var expected = Fixture.Json("summary_expected.json");
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("summary_log.csv")] });
        var r = SummaryAnalysis.Run(source, new SummaryOptions { AsOf = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc) });

        Assert.Equal(expected.GetProperty("total_rows").GetInt64(), r.TotalRows);
        Assert.Equal(expected.GetProperty("excluded_rows").GetInt64(), r.ExcludedRows);
        var periods = expected.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(periods.Count, r.Periods.Count);
        var compared = 0;
        foreach (var e in periods)
        {
            var start = DateTime.Parse(e.GetProperty("start").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
            var version = e.GetProperty("model_version").GetString();
            var what = $"{start:yyyy-MM-dd} {version}";
            var p = Assert.Single(r.Periods, q => q.Start == start && q.ModelVersion == version);
            Assert.Equal(e.GetProperty("rows").GetInt64(), p.Rows);
            Assert.Equal(e.GetProperty("labeled").GetInt64(), p.Labeled);
            Fixture.Close(e.GetProperty("mean_score").GetDouble(), p.MeanScore, what + " mean_score");
            if (e.GetProperty("positive_rate").ValueKind == JsonValueKind.Number)
                Fixture.Close(e.GetProperty("positive_rate").GetDouble(), p.PositiveRate, what + " positive_rate");
            foreach (var m in e.GetProperty("metrics").EnumerateObject())
            {
                var actual = Fixture.Metric(p.Metrics, m.Name);
                if (m.Value.ValueKind == JsonValueKind.Null)
                    Assert.True(actual is null, $"{what} {m.Name}: scikit-learn leaves it undefined, Vigil gave {actual}");
                else
                    Fixture.Close(m.Value.GetDouble(), actual, $"{what} {m.Name}");
                compared++;
            }
        }
        Assert.True(compared > 400, $"only {compared} metric values compared");

        foreach (var issue in expected.GetProperty("quality").GetProperty("issues").EnumerateArray())
        {
            var check = issue.GetProperty("check").GetString()!;
            if (check is "null_values" or "constant_column" or "missing_period") continue;
            Assert.Equal(issue.GetProperty("rows").GetInt64(), Assert.Single(r.Quality.Issues, i => i.Check == check).Rows);
        }
    }
}

/// <summary>A Parquet source is read in ranges of file row numbers; the result is the same as from the CSV.</summary>
public sealed class SummaryParquetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pq-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Parquet_MatchesCsv()
    {
        var parquet = Path.Combine(_dir, "log.parquet");
        using (var e = new Vigil.Engine.DuckDb.DuckDbEngine())
            e.Execute($"COPY (SELECT * FROM read_csv('{Fixture.Path("summary_log.csv").Replace("'", "''")}', header = true)) TO '{parquet.Replace("'", "''")}' (FORMAT parquet, ROW_GROUP_SIZE 1000)");
        var asOf = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        Vigil.Analysis.Results.SummaryResult csv, pq;
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("summary_log.csv")] }))
            csv = SummaryAnalysis.Run(s, new SummaryOptions { AsOf = asOf });
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [parquet] }))
            pq = SummaryAnalysis.Run(s, new SummaryOptions { AsOf = asOf });

        Assert.Equal(csv.TotalRows, pq.TotalRows);
        Assert.Equal(csv.ExcludedRows, pq.ExcludedRows);
        Assert.Equal(csv.Quality.Issues.Select(i => (i.Check, i.Rows, i.Column, i.Period)), pq.Quality.Issues.Select(i => (i.Check, i.Rows, i.Column, i.Period)));
        Assert.Equal(csv.Periods.Count, pq.Periods.Count);
        for (var i = 0; i < csv.Periods.Count; i++)
        {
            Assert.Equal(csv.Periods[i].Rows, pq.Periods[i].Rows);
            foreach (var m in csv.Periods[i].Metrics.Where(m => m.Value is not null))
                Fixture.Close(m.Value!.Value, Fixture.Metric(pq.Periods[i].Metrics, m.Name), $"period {i} {m.Name}");
        }
    }
}
